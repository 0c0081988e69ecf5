def test_ping_is_public_and_says_who_is_calling(anon, tenant):
    response = anon.get("/ping")
    assert response.status_code == 200
    assert response.json()["authenticated"] is False

    response = tenant.api.get("/ping")
    body = response.json()
    assert body["authenticated"] is True
    assert body["company_id"] == tenant.company.pk
