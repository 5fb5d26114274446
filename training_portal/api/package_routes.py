"""The field kit's event package through the API, with the import page's rules (docs/event-package.md)."""

from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..transfer.importing import import_package
from ..transfer.package import PackageError, with_known_version
from ..transfer.routes import package_message
from . import access, bp
from .problems import ApiProblem
from .schemas import EventPackageInSchema, EventPackageResultSchema


@bp.route("/event-packages")
class EventPackages(MethodView):
    @bp.arguments(EventPackageInSchema)
    @bp.response(201, EventPackageResultSchema)
    @bp.alt_response(200, schema=EventPackageResultSchema, description="everything in it was here already: "
                                                                         "nothing written")
    def post(self, data):
        """Import an event package; a participant who looks like someone here with another name or sex is
        refused (409) for review on the import page"""
        user = access.api_user()  # a manager or admin (access.MANAGERS_ONLY)
        try:
            result = import_package(with_known_version(data), user, via=access.via())
        except PackageError as error:
            raise ApiProblem(422, package_message(error)) from error
        if result.conflicts:
            raise ApiProblem(409, _l("Some participants look like people already here with another name or sex: "
                                     "review them on the import page. Nothing was saved."),
                             {f"participants.{conflict.uid}": [str(_l("The same card code or phone number as "
                                                                      "participant %(ids)s.", ids=", ".join(
                                                                          str(p.id) for p in conflict.candidates)))]
                              for conflict in result.conflicts})
        db.session.commit()
        answer = {"event_id": result.event.id, "event_is_new": result.event_is_new, "created": dict(result.created),
                  "existing": dict(result.existing), "unknown_trainers": result.unknown_trainers}
        return answer, 201 if sum(result.created.values()) else 200
