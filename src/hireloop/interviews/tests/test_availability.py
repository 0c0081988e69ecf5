"""Working hours and availability: time zones, DST switches, busy and free time."""

from hireloop.activity.models import Event
from hireloop.interviews.models import WorkingHours
from hireloop.interviews.tests.helpers import ts

NEW_YORK_WEEKDAYS = [
    {"weekday": day, "start": "09:00", "end": "17:00", "timezone": "America/New_York"} for day in range(5)
]


def set_hours(api, user, hours):
    return api.put(f"/users/{user.pk}/working-hours", {"working_hours": hours})


def test_working_hours_follow_the_dst_switch_in_utc(tenant, interviewer):
    set_hours(interviewer.api, interviewer.user, NEW_YORK_WEEKDAYS[:1])  # Mondays only

    # The US switched to daylight time on Sunday 14 March 2027.
    body = tenant.api.get(
        f"/users/{interviewer.user.pk}/availability", {"date_from": "2027-03-08", "date_to": "2027-03-15"}
    ).json()

    assert body["working_hours"] == [
        {"start_time": ts(2027, 3, 8, 14), "end_time": ts(2027, 3, 8, 22)},  # EST, UTC-5
        {"start_time": ts(2027, 3, 15, 13), "end_time": ts(2027, 3, 15, 21)},  # EDT, UTC-4
    ]
    assert body["date_from"] == ts(2027, 3, 8)
    assert body["date_to"] == ts(2027, 3, 16)  # a date_to day is inclusive


def test_working_hours_in_two_zones_each_keep_their_own_dst(tenant, interviewer):
    # Europe switched on 28 March 2027, two weeks after the US.
    set_hours(
        interviewer.api,
        interviewer.user,
        [
            {"weekday": 0, "start": "09:00", "end": "12:00", "timezone": "Europe/Paris"},
            {"weekday": 0, "start": "09:00", "end": "12:00", "timezone": "America/New_York"},
        ],
    )

    body = tenant.api.get(
        f"/users/{interviewer.user.pk}/availability", {"date_from": "2027-03-22", "date_to": "2027-03-29"}
    ).json()

    assert body["working_hours"] == [
        {"start_time": ts(2027, 3, 22, 8), "end_time": ts(2027, 3, 22, 11)},  # Paris CET
        {"start_time": ts(2027, 3, 22, 13), "end_time": ts(2027, 3, 22, 16)},  # New York EDT
        {"start_time": ts(2027, 3, 29, 7), "end_time": ts(2027, 3, 29, 10)},  # Paris CEST
        {"start_time": ts(2027, 3, 29, 13), "end_time": ts(2027, 3, 29, 16)},
    ]


def test_busy_intervals_come_from_interviews_and_are_cut_out_of_free_time(tenant, interviewer, application):
    set_hours(interviewer.api, interviewer.user, NEW_YORK_WEEKDAYS)
    booked = tenant.api.post(
        f"/applications/{application.pk}/interviews",
        {"start_time": ts(2027, 3, 15, 15), "end_time": ts(2027, 3, 15, 16), "interviewer_ids": [interviewer.user.pk]},
    ).json()
    cancelled = tenant.api.post(
        f"/applications/{application.pk}/interviews",
        {"start_time": ts(2027, 3, 15, 17), "end_time": ts(2027, 3, 15, 18), "interviewer_ids": [interviewer.user.pk]},
    ).json()
    tenant.api.post(f"/interviews/{cancelled['id']}/cancel", {})

    body = tenant.api.get(
        f"/users/{interviewer.user.pk}/availability",
        {"date_from": ts(2027, 3, 15), "date_to": ts(2027, 3, 16)},
    ).json()

    assert body["busy"] == [
        {
            "start_time": ts(2027, 3, 15, 15),
            "end_time": ts(2027, 3, 15, 16),
            "interview_id": booked["id"],
            "type": "video",
            "status": "scheduled",
        }
    ]
    assert body["free"] == [
        {"start_time": ts(2027, 3, 15, 13), "end_time": ts(2027, 3, 15, 15)},
        {"start_time": ts(2027, 3, 15, 16), "end_time": ts(2027, 3, 15, 21)},
    ]
    assert (body["timezone"], body["has_working_hours"]) == ("America/New_York", True)


def test_availability_range_is_bounded(tenant, interviewer):
    response = tenant.api.get(
        f"/users/{interviewer.user.pk}/availability", {"date_from": "2027-01-01", "date_to": "2027-06-01"}
    )

    assert response.status_code == 400
    assert "date_to" in response.json()["error"]["validation_errors"]


def test_availability_of_another_companys_user_is_not_found(tenant, other_tenant):
    assert tenant.api.get(f"/users/{other_tenant.user.pk}/availability").status_code == 404
    assert tenant.api.get(f"/users/{other_tenant.user.pk}/working-hours").status_code == 404


def test_users_set_their_own_hours_and_only_admins_set_others(tenant, interviewer):
    colleague = tenant.member("interviewer")

    own = set_hours(interviewer.api, interviewer.user, NEW_YORK_WEEKDAYS)
    others = set_hours(interviewer.api, colleague.user, NEW_YORK_WEEKDAYS)
    by_admin = set_hours(tenant.api, colleague.user, [{"weekday": 5, "start": "10:00", "end": "14:00"}])

    assert own.status_code == 200
    assert len(own.json()["working_hours"]) == 5
    assert others.status_code == 403
    assert by_admin.json()["working_hours"] == [
        {"weekday": 5, "start": "10:00:00", "end": "14:00:00", "timezone": "UTC"}
    ]
    assert WorkingHours.objects.filter(user=interviewer.user).count() == 5
    assert Event.objects.filter(kind="working_hours.updated").count() == 2


def test_put_replaces_the_previous_hours(tenant, interviewer):
    set_hours(interviewer.api, interviewer.user, NEW_YORK_WEEKDAYS)

    set_hours(interviewer.api, interviewer.user, NEW_YORK_WEEKDAYS[:2])

    listed = tenant.api.get(f"/users/{interviewer.user.pk}/working-hours").json()
    assert [h["weekday"] for h in listed["working_hours"]] == [0, 1]


def test_invalid_hours_are_validation_errors(tenant, interviewer):
    backwards = set_hours(interviewer.api, interviewer.user, [{"weekday": 0, "start": "17:00", "end": "09:00"}])
    bad_zone = set_hours(
        interviewer.api, interviewer.user, [{"weekday": 0, "start": "09:00", "end": "17:00", "timezone": "Nowhere"}]
    )
    bad_day = set_hours(interviewer.api, interviewer.user, [{"weekday": 7, "start": "09:00", "end": "17:00"}])

    assert backwards.json()["error"]["validation_errors"] == {"working_hours.0.end": "Must be after start."}
    assert "working_hours.0.timezone" in bad_zone.json()["error"]["validation_errors"]
    assert bad_day.status_code == 400
