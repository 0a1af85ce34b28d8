from __future__ import annotations

import datetime

import factory

from assessments.models import Enrolment
from portal.accounts.models import User
from portal.centres.models import Centre
from standards.models import Criterion, CriterionGroup, Kind, Standard


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Centre {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    centre = factory.SubFactory(CentreFactory)
    password = factory.django.Password("password")


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Standard

    slug = factory.Sequence(lambda n: f"std-{n}")
    code = factory.Sequence(lambda n: f"TEST{n:03d}")
    title = factory.Sequence(lambda n: f"Test standard {n}")
    version = "1"
    source_document = "factory"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriterionGroup

    standard = factory.SubFactory(StandardFactory)
    kind = Kind.PERFORMANCE
    order = factory.Sequence(lambda n: n + 1)
    title = "Group"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    group = factory.SubFactory(GroupFactory)
    standard = factory.SelfAttribute("group.standard")
    kind = factory.SelfAttribute("group.kind")
    order = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(
        lambda c: f"{'P' if c.kind == 'performance' else 'K'}{c.order}"
    )
    text = factory.Sequence(lambda n: f"criterion text {n}")


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    learner = factory.SubFactory(UserFactory, is_learner=True)
    centre = factory.SelfAttribute("learner.centre")
    standard = factory.SubFactory(StandardFactory)
    start_date = datetime.date(2026, 9, 1)
    target_end_date = datetime.date(2027, 8, 31)
