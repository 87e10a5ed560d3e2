"""Printable slips of the one-stop desk (Circular 03/2025/TT-VPCP forms 01–04, 06, 07)."""
