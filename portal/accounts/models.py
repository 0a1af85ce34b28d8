from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    LEARNER = "learner", "Learner"
    ASSESSOR = "assessor", "Assessor"
    IQA = "iqa", "Internal quality assurer"
    ADMIN = "admin", "Centre admin"


class User(AbstractUser):
    """A person. Logs in with a username; belongs to at most one centre, with one or more roles.

    An external quality assurer (``is_eqa``) works for the awarding body, belongs to no
    centre and has read-only access to the centres granted to them (``centres.EqaGrant``)
    until each grant expires. It is a role, not a superuser: superusers are platform
    operators, who alone may use the admin site.
    """

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    full_name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    centre = models.ForeignKey(
        "centres.Centre",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    is_learner = models.BooleanField("learner", default=False)
    is_assessor = models.BooleanField("assessor", default=False)
    is_iqa = models.BooleanField("internal quality assurer", default=False)
    is_centre_admin = models.BooleanField("centre admin", default=False)
    is_eqa = models.BooleanField(
        "external quality assurer",
        default=False,
        help_text="Reads the centres granted to them, changes nothing. Belongs to no centre.",
    )

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        ordering = ["full_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(centre__isnull=False)
                | models.Q(
                    is_learner=False, is_assessor=False, is_iqa=False, is_centre_admin=False
                ),
                name="user_roles_need_centre",
            ),
            models.CheckConstraint(
                condition=models.Q(is_eqa=False) | models.Q(centre__isnull=True),
                name="user_eqa_has_no_centre",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def roles(self) -> list[Role]:
        flags = [
            (Role.LEARNER, self.is_learner),
            (Role.ASSESSOR, self.is_assessor),
            (Role.IQA, self.is_iqa),
            (Role.ADMIN, self.is_centre_admin),
        ]
        return [role for role, on in flags if on]
