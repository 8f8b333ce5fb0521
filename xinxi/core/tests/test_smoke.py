def test_home(client_for, net):
    r = client_for("reporter").get("/")
    assert r.status_code == 200, r.content
    assert "东城县委办公室" in r.content.decode()
    r = client_for("admin").get("/")
    assert r.status_code == 200
