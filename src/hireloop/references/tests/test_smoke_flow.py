from hireloop.references.tests.conftest import link_in


def test_request_then_referee_answers(api, candidate, outbox, run, pages, tenant):
    r = api.post("/reference-requests", {"candidate_id": candidate.alias, "min_references": 1})
    assert r.status_code == 201, r.content
    body = r.json()
    run()
    assert len(outbox.emails_to("ada@example.org")) == 1
    path = link_in(outbox.emails_to("ada@example.org")[0].body, "c")
    page = pages.get(path)
    assert page.status_code == 200
    print(page.content.decode()[:300])
