"""Writes on accounts and offices. Each verb is one transaction and one audit entry."""

from datetime import date

from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from haicap.core import audit
from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.models import Office, User
from haicap.core.roles import OFFICER_ROLES, Role
from haicap.core.validation import normalize_phone, validate_national_id


@transaction.atomic
def create_office(*, code: str, name: str, kind: str, province, commune=None) -> Office:
    office = Office.objects.create(
        code=code, name=name, kind=kind, province=province, commune=commune
    )
    audit.record("office.create", office, summary=name)
    return office


@transaction.atomic
def create_officer(*, username: str, full_name: str, role: str, office: Office,
                   password: str, email: str = "") -> User:
    if role not in OFFICER_ROLES:
        raise InvalidInput(_("This role is not an officer role."), code="invalid_role")
    officer = User(username=username, full_name=full_name, role=role, office=office,
                   email=email, is_staff=False)
    officer.set_password(password)
    officer.full_clean(exclude=["password"])
    officer.save()
    audit.record("officer.create", officer, summary=f"{full_name} ({role}) @ {office.code}")
    return officer


@transaction.atomic
def create_administrator(*, username: str, full_name: str, password: str) -> User:
    user = User(username=username, full_name=full_name, role=Role.ADMINISTRATOR,
                is_staff=True, is_superuser=True)
    user.set_password(password)
    user.save()
    audit.record("administrator.create", user, summary=full_name)
    return user


# Other apps take what belongs to a new citizen account (dossiers filed for their number).
citizen_registered = Signal()


@transaction.atomic
def register_citizen(*, national_id: str, full_name: str, date_of_birth: date | None = None,
                     gender: str = "", phone: str = "", address_street: str = "",
                     residence_commune=None) -> User:
    """Create the account of a citizen known by their personal identification number."""
    validate_national_id(national_id, date_of_birth=date_of_birth, gender=gender)
    citizen = User(
        username=national_id,
        national_id=national_id,
        full_name=full_name,
        role=Role.CITIZEN,
        date_of_birth=date_of_birth,
        gender=gender,
        phone=normalize_phone(phone) if phone else "",
        address_street=address_street,
        residence_commune=residence_commune,
    )
    citizen.set_unusable_password()
    citizen.save()
    audit.record("citizen.register", citizen, summary=full_name)
    citizen_registered.send(sender=User, citizen=citizen)
    return citizen


CITIZEN_CONTACT_FIELDS = ("phone", "email", "address_street")


@transaction.atomic
def update_citizen_contact(*, actor: User, citizen: User, phone: str | None = None,
                           email: str | None = None, address_street: str | None = None) -> User:
    """Correct a resident's contact details. Only officers of the resident's unit may."""
    citizen = (
        User.objects.changeable_by(actor).filter(role=Role.CITIZEN, pk=citizen.pk)
        .select_for_update().first()
    )
    if citizen is None:
        raise PermissionDenied()
    before = {field: getattr(citizen, field) for field in CITIZEN_CONTACT_FIELDS}
    if phone is not None:
        citizen.phone = normalize_phone(phone) if phone else ""
    if email is not None:
        citizen.email = email.strip()
    if address_street is not None:
        citizen.address_street = address_street.strip()
    after = {field: getattr(citizen, field) for field in CITIZEN_CONTACT_FIELDS}
    changes = audit.diff(before, after)
    if changes:
        citizen.save(update_fields=list(changes))
        audit.record("citizen.update_contact", citizen, summary=citizen.full_name,
                     changes=changes)
    return citizen


@transaction.atomic
def sign_in_citizen(identity) -> User:
    """The account of a citizen VNeID has vouched for, registered on first sign-in."""
    citizen = User.objects.filter(national_id=identity.national_id).first()
    if citizen is None:
        citizen = register_citizen(
            national_id=identity.national_id,
            full_name=identity.full_name,
            date_of_birth=identity.date_of_birth,
            gender=identity.gender,
            phone=identity.phone,
        )
    if not citizen.is_active or citizen.role != Role.CITIZEN:
        raise PermissionDenied(_("This account cannot sign in as a citizen."))
    audit.record("citizen.sign_in", citizen, summary="VNeID")
    return citizen
