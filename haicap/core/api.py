"""Residents, as officers of a unit see them. Every read starts from the scoped selector."""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from haicap.core import selectors, services
from haicap.core.errors import ErrorOut, PermissionDenied
from haicap.core.models import User

router = Router(tags=["residents"], auth=django_auth)


class CommuneRef(Schema):
    code: str
    name: str
    province_code: str = Field(..., alias="province_id")


class ResidentOut(Schema):
    id: int
    full_name: str
    national_id: str | None
    date_of_birth: date | None
    gender: str
    phone: str
    email: str
    address_street: str
    residence_commune: CommuneRef | None


class ResidentContactIn(Schema):
    phone: str | None = Field(None, description="10 digits, 03/05/07/08/09…; +84 accepted")
    email: str | None = None
    address_street: str | None = Field(None, max_length=255)


@router.get("/residents", response=list[ResidentOut], summary="Residents of my unit")
@paginate(LimitOffsetPagination)
def list_residents(request, q: str = ""):
    return selectors.residents_visible_to(request.user, q)


@router.get("/residents/{resident_id}", response={200: ResidentOut, 404: ErrorOut},
            summary="One resident of my unit")
def get_resident(request, resident_id: int):
    return selectors.resident_for(request.user, resident_id)


@router.patch("/residents/{resident_id}",
              response={200: ResidentOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
              summary="Correct a resident's contact details")
def update_resident_contact(request, resident_id: int, payload: ResidentContactIn):
    resident = selectors.resident_for(request.user, resident_id)
    if not User.objects.changeable_by(request.user).filter(pk=resident.pk).exists():
        raise PermissionDenied(_("Your role may read but not change residents' records."))
    return services.update_citizen_contact(
        actor=request.user, citizen=resident, **payload.dict(exclude_unset=True)
    )
