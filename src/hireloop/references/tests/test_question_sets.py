"""Question sets and questions: the ready-made library, CRUD, validation, copies, tenancy."""

from hireloop.activity.models import Event
from hireloop.references.library import LIBRARY
from hireloop.references.models import QuestionSet

SET = {
    "name": "Engineering manager",
    "language": "en",
    "questions": [
        {"text": "Rate their code quality", "type": "scale", "scale": {"min": 1, "max": 10}, "category": "Performance"},
        {"text": "Describe a project", "type": "text", "category": "context", "required": False},
        {"text": "Rehire?", "type": "yes_no", "category": "rehire"},
        {"text": "Pace", "type": "single_choice", "choices": ["Fast", "Steady"], "category": "delivery"},
    ],
}


def test_list_seeds_the_library_once_for_each_company(api, other_api, tenant, other_tenant):
    first = api.get("/question-sets", {"size": 100})
    again = api.get("/question-sets", {"size": 100})
    other_api.get("/question-sets")

    assert first.status_code == 200
    names = [s["name"] for s in first.json()["question_sets"]]
    assert sorted(names) == sorted(entry["name"] for entry in LIBRARY)
    assert again.json()["pagination"]["total_count"] == len(LIBRARY)
    assert all(s["is_library"] for s in first.json()["question_sets"])
    assert QuestionSet.objects.filter(company=tenant.company, is_library=True).count() == len(LIBRARY)
    assert QuestionSet.objects.filter(company=other_tenant.company, is_library=True).count() == len(LIBRARY)
    manager = next(s for s in first.json()["question_sets"] if s["library_key"] == "manager_reference")
    assert manager["questions_count"] == len(LIBRARY[0]["questions"])
    assert manager["questions"][1]["scale"] == {"min": 1, "max": 5}


def test_create_question_set_with_every_question_type(api, tenant):
    r = api.post("/question-sets", SET)

    assert r.status_code == 201, r.content
    body = r.json()
    assert body["name"] == body["title"] == "Engineering manager"
    assert body["is_library"] is False
    assert [q["type"] for q in body["questions"]] == ["scale", "text", "yes_no", "single_choice"]
    assert [q["order"] for q in body["questions"]] == [1, 2, 3, 4]
    assert body["questions"][0]["scale"] == {"min": 1, "max": 10}
    assert body["questions"][0]["category"] == "performance"
    assert body["questions"][1]["required"] is False
    assert body["questions"][3]["choices"] == ["Fast", "Steady"]
    assert body["questions"][2]["scale"] is None
    assert Event.objects.filter(company=tenant.company, kind="question_set.created", subject_id=body["id"]).exists()


def test_questions_speak_the_language_of_their_set_unless_told(api):
    r = api.post(
        "/question-sets",
        {
            "name": "Référence",
            "language": "fr",
            "questions": [
                {"text": "Qualité du travail ?", "type": "scale"},
                {"text": "Quality?", "type": "scale", "language": "en"},
            ],
        },
    )

    assert r.status_code == 201
    assert [q["language"] for q in r.json()["questions"]] == ["fr", "en"]


def test_scale_accepts_a_bare_maximum_and_001_title(api):
    r = api.post("/question-sets", {"title": "Short", "questions": [{"text": "Rate", "type": "scale", "scale": 7}]})

    assert r.status_code == 201
    assert r.json()["name"] == "Short"
    assert r.json()["questions"][0]["scale"] == {"min": 1, "max": 7}


def test_invalid_questions_are_rejected_with_the_field(api):
    bad_range = api.post(
        "/question-sets", {"name": "x", "questions": [{"text": "R", "type": "scale", "scale": {"min": 5, "max": 2}}]}
    )
    one_choice = api.post(
        "/question-sets", {"name": "x", "questions": [{"text": "C", "type": "single_choice", "choices": ["A"]}]}
    )
    bad_type = api.post("/question-sets", {"name": "x", "questions": [{"text": "C", "type": "essay"}]})

    assert bad_range.status_code == 400
    assert "questions.0.scale" in bad_range.json()["error"]["validation_errors"]
    assert one_choice.status_code == 400
    assert "questions.0.choices" in one_choice.json()["error"]["validation_errors"]
    assert bad_type.status_code == 400
    assert QuestionSet.objects.filter(is_library=False).count() == 0


def test_put_renames_and_replaces_questions(api):
    created = api.post("/question-sets", SET).json()

    r = api.put(f"/question-sets/{created['id']}", {"name": "Renamed", "questions": [{"text": "Only", "type": "text"}]})

    assert r.status_code == 200
    assert r.json()["name"] == "Renamed"
    assert [q["text"] for q in r.json()["questions"]] == ["Only"]


def test_library_sets_are_read_only_and_copied_to_edit(api):
    library = api.get("/question-sets", {"is_library": "true"}).json()["question_sets"][0]

    put = api.put(f"/question-sets/{library['id']}", {"name": "Mine"})
    delete = api.delete(f"/question-sets/{library['id']}")
    add = api.post(f"/question-sets/{library['id']}/questions", {"text": "Extra", "type": "text"})
    copy = api.post(f"/question-sets/{library['id']}/copy", {"name": "Our manager reference"})

    assert put.status_code == delete.status_code == add.status_code == 409
    assert copy.status_code == 201
    body = copy.json()
    assert body["is_library"] is False
    assert body["copied_from_id"] == library["id"]
    assert [q["text"] for q in body["questions"]] == [q["text"] for q in library["questions"]]
    edited = api.post(f"/question-sets/{body['id']}/questions", {"text": "Extra", "type": "text"})
    assert edited.status_code == 201
    assert edited.json()["order"] == len(library["questions"]) + 1


def test_question_crud_inside_a_set(api):
    qs = api.post("/question-sets", SET).json()
    question_id = qs["questions"][0]["id"]

    got = api.get(f"/question-sets/{qs['id']}/questions/{question_id}")
    put = api.put(
        f"/question-sets/{qs['id']}/questions/{question_id}", {"text": "Rate quality", "scale": {"min": 0, "max": 4}}
    )
    listed = api.get(f"/question-sets/{qs['id']}/questions")
    deleted = api.delete(f"/question-sets/{qs['id']}/questions/{question_id}")

    assert got.status_code == 200 and got.json()["text"] == "Rate their code quality"
    assert put.status_code == 200
    assert put.json()["text"] == "Rate quality"
    assert put.json()["scale"] == {"min": 0, "max": 4}
    assert put.json()["category"] == "performance"
    assert listed.json()["pagination"]["total_count"] == 4
    assert deleted.status_code == 204
    assert api.get(f"/question-sets/{qs['id']}/questions/{question_id}").status_code == 404


def test_set_in_use_cannot_be_deleted(api, candidate):
    qs = api.post("/question-sets", SET).json()
    api.post("/reference-requests", {"candidate_id": candidate.pk, "question_set_id": qs["id"]})

    assert api.delete(f"/question-sets/{qs['id']}").status_code == 409
    unused = api.post("/question-sets", SET).json()
    assert api.delete(f"/question-sets/{unused['id']}").status_code == 204


def test_another_companys_set_is_404(api, other_api):
    theirs = other_api.post("/question-sets", SET).json()

    assert api.get(f"/question-sets/{theirs['id']}").status_code == 404
    assert api.put(f"/question-sets/{theirs['id']}", {"name": "x"}).status_code == 404
    assert api.delete(f"/question-sets/{theirs['id']}").status_code == 404
    assert api.get(f"/question-sets/{theirs['id']}/questions").status_code == 404
    assert api.post(f"/question-sets/{theirs['id']}/copy").status_code == 404


def test_interviewers_cannot_read_or_write_sets(tenant):
    from hireloop.references.tests.conftest import Committing

    interviewer = Committing(tenant.member("interviewer").api)

    assert interviewer.get("/question-sets").status_code == 403
    assert interviewer.post("/question-sets", SET).status_code == 403


def test_list_query_count_is_flat(api, settings, django_assert_max_num_queries):
    settings.RATE_LIMIT_ENABLED = False  # its cache queries are not this endpoint's
    for _ in range(3):
        api.post("/question-sets", SET)
    api.get("/question-sets")

    with django_assert_max_num_queries(4):
        r = api.get("/question-sets", {"size": 100})
    assert r.json()["pagination"]["total_count"] == len(LIBRARY) + 3
