"""Synthetic residents: names, ID numbers, phones and the families they live in.

ID numbers follow GB 11643: a real-format region code, the birth date, a sequence whose
last digit is odd for men and even for women, and the check digit. Every number passes
`grid.validation.validate_id_number` and encodes the resident's birth date and gender.
"""

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from stdnum.cn import ric

from demo import AS_OF
from demo.names import (
    ALWAYS_VALID_REGIONS,
    BIRTH_REGIONS,
    GIVEN_NAMES,
    PHONE_PREFIXES,
    SURNAMES,
)


@dataclass
class Person:
    name: str
    gender: str
    birth_date: dt.date
    id_number: str
    phone: str
    relation: str
    groups: list[str] = field(default_factory=list)

    @property
    def age(self) -> int:
        return age_of(self.birth_date)


def age_of(birth_date: dt.date) -> int:
    """Age in whole years on AS_OF."""
    before_birthday = (AS_OF.month, AS_OF.day) < (birth_date.month, birth_date.day)
    return AS_OF.year - birth_date.year - before_birthday


@cache
def _region_valid_in(region: str, year: int) -> bool:
    """Whether the region code existed in `year`: the validator refuses a code created
    after the birth year."""
    return ric.is_valid(_with_check_digit(f"{region}{year}0101001"))


def _with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


class PersonMaker:
    """Draws people from one random stream, never repeating an ID number or a phone."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._id_numbers: set[str] = set()
        self._phones: set[str] = set()
        self._surnames, surname_weights = zip(*SURNAMES, strict=True)
        self._surname_cumulative = _cumulative(surname_weights)
        self._regions, region_weights = zip(*BIRTH_REGIONS, strict=True)
        self._region_cumulative = _cumulative(region_weights)

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._surname_cumulative)[0]

    def person(
        self,
        *,
        relation: str,
        gender: str,
        age: int,
        surname: str = "",
        family: Sequence[Person] = (),
    ) -> Person:
        """A person of `age` on AS_OF; never named like someone in `family`."""
        anniversary = AS_OF.replace(year=AS_OF.year - max(0, age))
        birth = anniversary - dt.timedelta(days=self.rng.randrange(0, 365))
        name = self._name(gender, birth.year, surname, {member.name for member in family})
        return Person(
            name=name,
            gender=gender,
            birth_date=birth,
            id_number=self._id_number(gender, birth),
            phone=self._phone() if age_of(birth) >= 16 and self.rng.random() < 0.93 else "",
            relation=relation,
        )

    def _name(self, gender: str, year: int, surname: str, taken: set[str]) -> str:
        while True:
            name = (surname or self.surname()) + self._given_name(gender, year)
            if name not in taken:
                return name

    def full_name(self, gender: str, birth_year: int) -> str:
        return self._name(gender, birth_year, "", set())

    def _given_name(self, gender: str, year: int) -> str:
        cohort = "before_1960" if year < 1960 else "1960_1989" if year < 1990 else "from_1990"
        return self.rng.choice(GIVEN_NAMES[cohort, gender])

    def _id_number(self, gender: str, birth: dt.date) -> str:
        region = self.rng.choices(self._regions, cum_weights=self._region_cumulative)[0]
        if not _region_valid_in(region, birth.year):
            region = self.rng.choice(ALWAYS_VALID_REGIONS)
        parity = 1 if gender == "M" else 0
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + parity
            number = _with_check_digit(f"{region}{birth:%Y%m%d}{sequence:03d}")
            if number not in self._id_numbers:
                self._id_numbers.add(number)
                return number

    def _phone(self) -> str:
        while True:
            phone = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone


def _cumulative(weights: tuple[int, ...]) -> list[int]:
    total, cumulative = 0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative
