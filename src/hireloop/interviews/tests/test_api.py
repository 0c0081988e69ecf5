"""Scheduling interviews over the API: shapes, validation, conflicts, filters, tenancy."""

from hireloop.activity.models import Event
from hireloop.interviews.models import Interview, InterviewParticipant
from hireloop.interviews.tests.helpers import make_application, make_candidate, ts

START = ts(2030, 1, 10, 15)
END = ts(2030, 1, 10, 16)


def schedule(api, application, interviewers, start=START, end=END, **extra):
    body = {"start_time": start, "end_time": end, "interviewer_ids": [i.user.pk for i in interviewers], **extra}
    return api.post(f"/applications/{application.pk}/interviews", body)


def test_schedule_answers_the_interview_with_each_persons_local_time(tenant, application, interviewer):
    response = schedule(
        tenant.api,
        application,
        [interviewer],
        type="technical",
        location="Room 4",
        timezone="Europe/Paris",
        notes="Focus on SQL",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["application_id"] == application.pk
    assert body["candidate_id"] == application.candidate_id
    assert body["job_id"] == application.job_id
    assert (body["type"], body["status"], body["location"]) == ("technical", "scheduled", "Room 4")
    assert (body["start_time"], body["end_time"], body["duration_minutes"]) == (START, END, 60)
    assert body["timezone"] == "Europe/Paris"
    assert body["interviewer_ids"] == [interviewer.user.pk]
    assert body["interviewers"][0]["response_status"] == "needs_action"
    assert body["interviewers"][0]["local_time"] == {
        "timezone": "America/New_York",
        "start": "2030-01-10T10:00:00-05:00",
        "end": "2030-01-10T11:00:00-05:00",
    }
    assert body["candidate_local_time"]["start"] == "2030-01-10T15:00:00+00:00"  # Europe/London in winter
    assert body["sequence"] == 0
    assert body["ics_uid"].endswith("@hireloop")
    event = Event.objects.get(kind="interview.scheduled")
    assert (event.candidate_id, event.job_id, event.subject_id) == (
        application.candidate_id,
        application.job_id,
        body["id"],
    )
    assert event.data["interviewer_ids"] == [interviewer.user.pk]


def test_end_before_start_is_a_validation_error(tenant, application, interviewer):
    response = schedule(tenant.api, application, [interviewer], start=END, end=START)

    assert response.status_code == 400
    assert response.json()["error"]["validation_errors"] == {"end_time": "Must be after start_time."}
    assert Interview.objects.count() == 0


def test_unknown_timezone_is_a_validation_error(tenant, application, interviewer):
    response = schedule(tenant.api, application, [interviewer], timezone="Mars/Olympus")

    assert response.status_code == 400
    assert "timezone" in response.json()["error"]["validation_errors"]


def test_interviewer_of_another_company_is_rejected(tenant, other_tenant, application):
    response = schedule(tenant.api, application, [other_tenant])

    assert response.status_code == 400
    assert response.json()["error"]["validation_errors"]["interviewer_ids"] == (
        f"Not users of this company: {other_tenant.user.pk}."
    )
    assert Interview.objects.count() == 0


def test_application_of_another_company_is_not_found(tenant, other_tenant, interviewer):
    foreign = make_application(other_tenant.company)

    response = schedule(tenant.api, foreign, [interviewer])

    assert response.status_code == 404


def test_interview_of_another_company_is_not_found(tenant, other_tenant, application, interviewer):
    interview_id = schedule(tenant.api, application, [interviewer]).json()["id"]

    assert other_tenant.api.get(f"/interviews/{interview_id}").status_code == 404
    assert other_tenant.api.put(f"/interviews/{interview_id}", {"location": "x"}).status_code == 404
    assert other_tenant.api.post(f"/interviews/{interview_id}/cancel", {}).status_code == 404
    assert other_tenant.api.get("/interviews").json()["pagination"]["total_count"] == 0


def test_interviewer_role_cannot_schedule(tenant, application, interviewer):
    response = schedule(interviewer.api, application, [interviewer])

    assert response.status_code == 403


# --- conflicts ---------------------------------------------------------------------------------


def test_overlapping_slot_is_a_conflict_naming_the_interview(tenant, application, interviewer):
    first = schedule(tenant.api, application, [interviewer]).json()
    other = make_application(tenant.company, candidate=make_candidate(tenant.company, email="bob@example.com"))

    response = schedule(tenant.api, other, [interviewer], start=START + 1800, end=END + 1800)

    assert response.status_code == 409
    error = response.json()["error"]
    assert f"already has interview {first['id']}" in error["message"]
    assert error["conflicts"] == [
        {
            "interviewer_user_id": interviewer.user.pk,
            "interviewer_name": interviewer.user.full_name,
            "interview_id": first["id"],
            "start_time": START,
            "end_time": END,
        }
    ]
    assert Interview.objects.count() == 1


def test_allow_conflict_books_anyway(tenant, application, interviewer):
    schedule(tenant.api, application, [interviewer])

    response = schedule(tenant.api, application, [interviewer], allow_conflict=True)

    assert response.status_code == 201
    assert Event.objects.filter(kind="interview.scheduled", data__allow_conflict=True).count() == 1


def test_back_to_back_slots_do_not_conflict(tenant, application, interviewer):
    schedule(tenant.api, application, [interviewer])

    response = schedule(tenant.api, application, [interviewer], start=END, end=END + 3600)

    assert response.status_code == 201


def test_cancelled_interview_frees_the_slot(tenant, application, interviewer):
    first = schedule(tenant.api, application, [interviewer]).json()
    tenant.api.post(f"/interviews/{first['id']}/cancel", {"reason": "moved"})

    response = schedule(tenant.api, application, [interviewer])

    assert response.status_code == 201


def test_conflict_is_found_whatever_zone_the_times_were_written_in(tenant, application, interviewer):
    # 09:00 in New York on 15 March 2027 is 13:00 UTC: the US changed to daylight time on 14 March.
    booked = schedule(
        tenant.api,
        application,
        [interviewer],
        start="2027-03-15T09:00:00-04:00",
        end="2027-03-15T10:00:00-04:00",
        timezone="America/New_York",
    )
    assert booked.json()["start_time"] == ts(2027, 3, 15, 13)

    # Paris is still on winter time (+01:00) that day: 14:30 Paris = 13:30 UTC overlaps.
    clash = schedule(
        tenant.api,
        application,
        [interviewer],
        start="2027-03-15T14:30:00+01:00",
        end="2027-03-15T15:30:00+01:00",
        timezone="Europe/Paris",
    )
    # 09:00 New York computed with the winter offset (-05:00) is 14:00 UTC: just after, no overlap.
    after = schedule(
        tenant.api,
        application,
        [interviewer],
        start="2027-03-15T09:00:00-05:00",
        end="2027-03-15T10:00:00-05:00",
    )

    assert clash.status_code == 409
    assert after.status_code == 201, after.content


def test_reschedule_into_a_busy_slot_is_a_conflict(tenant, application, interviewer):
    schedule(tenant.api, application, [interviewer])
    second = schedule(tenant.api, application, [interviewer], start=END, end=END + 3600).json()

    response = tenant.api.put(f"/interviews/{second['id']}", {"start_time": START + 600, "end_time": END + 600})

    assert response.status_code == 409
    assert Interview.objects.get(pk=second["id"]).start_at.timestamp() == END


def test_rescheduling_within_its_own_slot_is_not_a_conflict_with_itself(tenant, application, interviewer):
    interview = schedule(tenant.api, application, [interviewer]).json()

    response = tenant.api.put(f"/interviews/{interview['id']}", {"start_time": START + 900, "end_time": END + 900})

    assert response.status_code == 200
    assert response.json()["sequence"] == 1
    assert set(InterviewParticipant.objects.values_list("start_at", flat=True)) == {Interview.objects.get().start_at}


# --- lists -------------------------------------------------------------------------------------


def test_list_filters_by_day_interviewer_status_and_includes_related(
    tenant, application, interviewer, django_assert_max_num_queries, settings
):
    settings.RATE_LIMIT_ENABLED = False  # count only the list's own queries
    other_member = tenant.member("interviewer")
    schedule(tenant.api, application, [interviewer])
    schedule(tenant.api, application, [other_member], start=START + 86400, end=END + 86400)
    cancelled = schedule(tenant.api, application, [other_member], start=START - 86400, end=END - 86400).json()
    tenant.api.post(f"/interviews/{cancelled['id']}/cancel", {})

    by_day = tenant.api.get("/interviews", {"date": "2030-01-11"}).json()
    by_user = tenant.api.get("/interviews", {"interviewer_user_id": other_member.user.pk}).json()
    by_status = tenant.api.get("/interviews", {"status": "cancelled"}).json()
    by_range = tenant.api.get("/interviews", {"date_from": "2030-01-10", "date_to": "2030-01-10"}).json()
    with django_assert_max_num_queries(3):
        full = tenant.api.get("/interviews", {"include": "candidate,application,job", "size": 2}).json()

    assert [i["start_time"] for i in by_day["interviews"]] == [START + 86400]
    assert by_user["pagination"]["total_count"] == 2
    assert [i["id"] for i in by_status["interviews"]] == [cancelled["id"]]
    assert [i["start_time"] for i in by_range["interviews"]] == [START]
    assert full["pagination"] == {"page_size": 2, "page_count": 2, "page": 1, "total_count": 3}
    first = full["interviews"][0]
    assert first["candidate"]["alias"] == application.candidate.alias
    assert first["application"]["stage_id"] == application.stage_id
    assert first["job"]["title"] == "Backend Engineer"


def test_unknown_include_is_a_validation_error(tenant):
    response = tenant.api.get("/interviews", {"include": "salary"})

    assert response.status_code == 400


def test_candidate_interviews_accepts_the_alias(tenant, application, interviewer, other_tenant):
    interview = schedule(tenant.api, application, [interviewer]).json()

    by_alias = tenant.api.get(f"/candidates/{application.candidate.alias}/interviews").json()
    by_id = tenant.api.get(f"/candidates/{application.candidate_id}/interviews").json()

    assert [i["id"] for i in by_alias["interviews"]] == [interview["id"]]
    assert by_id == by_alias
    assert other_tenant.api.get(f"/candidates/{application.candidate.alias}/interviews").status_code == 404


# --- state changes -----------------------------------------------------------------------------


def test_complete_and_no_show_record_events_and_end_the_schedule(tenant, application, interviewer):
    first = schedule(tenant.api, application, [interviewer]).json()
    second = schedule(tenant.api, application, [interviewer], start=END, end=END + 3600).json()

    done = tenant.api.post(f"/interviews/{first['id']}/complete")
    missed = tenant.api.post(f"/interviews/{second['id']}/complete", {"status": "no_show"})
    again = tenant.api.post(f"/interviews/{first['id']}/cancel", {})

    assert (done.status_code, done.json()["status"]) == (200, "completed")
    assert done.json()["completed_at"] is not None
    assert missed.json()["status"] == "no_show"
    assert again.status_code == 409
    kinds = set(Event.objects.filter(subject_type="interview").values_list("kind", flat=True))
    assert {"interview.completed", "interview.no_show"} <= kinds
    completed = Event.objects.get(kind="interview.completed")
    assert (completed.candidate_id, completed.job_id) == (application.candidate_id, application.job_id)


def test_interviewer_answers_the_invitation(tenant, application, interviewer):
    interview = schedule(tenant.api, application, [interviewer]).json()

    response = interviewer.api.post(f"/interviews/{interview['id']}/respond", {"response": "accepted"})
    outsider = tenant.api.post(f"/interviews/{interview['id']}/respond", {"response": "declined"})

    assert response.json()["interviewers"][0]["response_status"] == "accepted"
    assert outsider.status_code == 403


def test_put_changes_panel_and_records_who_was_added_and_removed(tenant, application, interviewer):
    newcomer = tenant.member("hiring_manager")
    interview = schedule(tenant.api, application, [interviewer]).json()

    response = tenant.api.put(f"/interviews/{interview['id']}", {"interviewer_ids": [newcomer.user.pk]})

    assert response.status_code == 200
    assert response.json()["interviewer_ids"] == [newcomer.user.pk]
    assert response.json()["sequence"] == 1
    event = Event.objects.get(kind="interview.updated")
    assert event.data["added_interviewer_ids"] == [newcomer.user.pk]
    assert event.data["removed_interviewer_ids"] == [interviewer.user.pk]


def test_notes_only_change_does_not_bump_the_sequence(tenant, application, interviewer):
    interview = schedule(tenant.api, application, [interviewer]).json()

    response = tenant.api.put(f"/interviews/{interview['id']}", {"notes": "Bring the take-home"})

    assert (response.json()["notes"], response.json()["sequence"]) == ("Bring the take-home", 0)
