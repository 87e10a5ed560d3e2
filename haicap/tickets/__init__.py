"""Desk tickets (số thứ tự) at one-stop centres: take a number, call the next, display."""
