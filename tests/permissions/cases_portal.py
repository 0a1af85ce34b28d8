"""Rows for the portal's own pages: dashboards, centre administration, accounts."""

from tests.permissions.matrix import Case

ANYONE = {
    "learner": 200,
    "other_learner": 200,
    "assessor": 200,
    "iqa": 200,
    "admin": 200,
    "eqa": 200,
    "outsider_learner": 200,
    "outsider_admin": 200,
}
ADMIN_ONLY = {"admin": 200, "outsider_admin": 200}
OWN_CENTRE_ADMIN = {"admin": 200, "outsider_admin": 404}


def _person(people) -> dict:
    return {"pk": people.other_learner.pk}


CASES = [
    Case("home", dict.fromkeys(ANYONE, 302)),
    Case("home", {}, method="post", default=405, anonymous=405),
    Case("favicon", dict.fromkeys(ANYONE, 301), anonymous=301),
    Case("learner_dashboard", {"learner": 200, "other_learner": 200, "outsider_learner": 200}),
    Case("assessor_dashboard", {"assessor": 200}),
    Case("iqa_dashboard", {"iqa": 200}),
    Case("centre_dashboard", ADMIN_ONLY),
    Case("eqa_dashboard", {"eqa": 200}),
    Case("eqa_centre", {"eqa": 200}, kwargs=lambda p: {"pk": p.centre.pk}),
    Case(
        "eqa_centre",
        {"eqa": 404},
        kwargs=lambda p: {"pk": p.other_centre.pk},
        label="not granted",
    ),
    Case("eqa_samples", {"eqa": 200}, kwargs=lambda p: {"pk": p.centre.pk}),
    Case(
        "eqa_samples",
        {"eqa": 404},
        kwargs=lambda p: {"pk": p.other_centre.pk},
        label="not granted",
    ),
    Case("eqa_samples", {}, method="post", kwargs=lambda p: {"pk": p.centre.pk}, default=405),
    Case("centres:people", ADMIN_ONLY),
    Case("centres:person_create", ADMIN_ONLY),
    Case(
        "centres:person_create",
        {"admin": 302, "outsider_admin": 302},
        method="post",
        data=lambda p: {
            "full_name": "New Person",
            "username": "newperson",
            "email": "new@example.org",
            "is_learner": "on",
        },
    ),
    Case("centres:person_detail", OWN_CENTRE_ADMIN, kwargs=_person),
    Case("centres:person_edit", OWN_CENTRE_ADMIN, kwargs=_person),
    Case(
        "centres:person_edit",
        {"admin": 302, "outsider_admin": 404},
        method="post",
        kwargs=_person,
        data=lambda p: {"full_name": "Renamed", "email": "r@example.org", "is_learner": "on"},
    ),
    Case("centres:person_set_active", {}, kwargs=_person, default=405),
    Case(
        "centres:person_set_active",
        {"admin": 302, "outsider_admin": 404},
        method="post",
        kwargs=_person,
        data=lambda p: {"active": "0"},
    ),
    Case(
        "centres:person_invite",
        {"admin": 302, "outsider_admin": 404},
        method="post",
        kwargs=_person,
    ),
    Case("centres:enrolments", ADMIN_ONLY),
    Case("centres:enrolment_create", ADMIN_ONLY),
    Case(
        "centres:enrolment_edit",
        # Visible to its learner, assessor, IQA and the EQA (read-only: 403); other centre: 404.
        {
            "admin": 200,
            "learner": 403,
            "assessor": 403,
            "iqa": 403,
            "eqa": 403,
            "other_learner": 404,
            "outsider_learner": 404,
            "outsider_admin": 404,
        },
        kwargs=lambda p: {"pk": p.enrolment.pk},
    ),
    Case("centres:security", ADMIN_ONLY),
    Case(
        "centres:security",
        {"admin": 302, "outsider_admin": 302},
        method="post",
        data=lambda p: {"your_password": "password"},  # leaves two-factor off
    ),
    Case("login", dict.fromkeys(ANYONE, 302), anonymous=200),  # signed in: sent home
    Case("logout", {}, default=405, anonymous=405),
    Case("logout", dict.fromkeys(ANYONE, 302), method="post"),
    Case("password_change", ANYONE),
    Case("password_change_done", ANYONE),
    Case("password_reset", ANYONE, anonymous=200),
    Case("password_reset_done", ANYONE, anonymous=200),
    Case(
        "password_reset_confirm",
        ANYONE,
        kwargs=lambda p: {"uidb64": "MQ", "token": "set-password"},
        anonymous=200,
    ),
    Case("password_reset_complete", ANYONE, anonymous=200),
    # Two-factor pages: nobody in the fixture's centres must use it, so the setup page sends
    # them home and the verification page (no device) to setup. Tested in
    # tests/portal/test_two_factor.py with a centre that requires it.
    Case("two_factor_setup", dict.fromkeys(ANYONE, 302)),
    Case(
        "two_factor_setup",
        dict.fromkeys(ANYONE, 302),
        method="post",
        data=lambda p: {"token": "123456"},
    ),
    Case("two_factor_verify", dict.fromkeys(ANYONE, 302)),
    Case(
        "two_factor_verify",
        dict.fromkeys(ANYONE, 302),
        method="post",
        data=lambda p: {"token": "123456"},
    ),
]

# Failed background tasks: the centre admin's own centre only (no object in the URL).
CASES += [
    Case("centres:failed_tasks", {"admin": 200, "outsider_admin": 200}),
    Case("centres:failed_tasks", {}, default=405, method="post", label="POST"),
]
