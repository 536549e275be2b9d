"""Pure helpers shared by every app: no ORM, no request, plain data in and out."""
