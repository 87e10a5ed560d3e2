"""Errors every API endpoint shares, whatever the endpoint."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_body_that_is_not_json_is_refused_with_a_code_and_a_vietnamese_message(client):
    response = client.post("/api/v1/feedback/sms", "{from: 0905", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "code": "malformed_body",
        "message": "Không đọc được nội dung yêu cầu; hãy gửi ở dạng JSON."}
