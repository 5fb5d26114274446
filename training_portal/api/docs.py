"""The readable page of the API's OpenAPI document (Swagger UI, vendored into static/vendor/)."""

from flask import Blueprint, render_template

bp = Blueprint("api_docs", __name__, template_folder="templates")


@bp.get("/api/v1/docs")
def docs():
    return render_template("api/docs.html")
