"""Column helpers shared by the feature packages' models."""

import enum

import sqlalchemy as sa


def enum_column_type(enum_class: type[enum.Enum], name: str) -> sa.Enum:
    """A portable enum: a VARCHAR with a CHECK constraint listing the values."""
    return sa.Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
        length=max(len(member.value) for member in enum_class),
    )
