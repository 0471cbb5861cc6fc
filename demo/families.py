"""Who lives with whom in a demo household, and the special groups (特殊人群) that follow.

The mix loosely follows an old Shanghai neighbourhood: many elderly, one-child families,
three generations under one roof, a few grandparents raising a grandchild whose parents
work elsewhere (留守儿童).
"""

import random

from demo.people import Person, PersonMaker
from grid.models import Relation, SpecialGroup

FAMILY_KINDS = {
    "elderly_alone": 7,
    "elderly_couple": 10,
    "single": 9,
    "couple": 10,
    "one_child": 28,
    "two_children": 12,
    "three_generations": 14,
    "elder_head": 5,
    "skipped_generation": 3,
    "siblings": 2,
}


def family(maker: PersonMaker) -> list[Person]:
    """The members of one household, head first."""
    kind = maker.rng.choices(list(FAMILY_KINDS), weights=list(FAMILY_KINDS.values()))[0]
    members = _BUILDERS[kind](maker)
    _tag_special_groups(maker.rng, members, kind)
    return members


def _opposite(gender: str) -> str:
    return "F" if gender == "M" else "M"


def _couple(maker: PersonMaker, low: int, high: int) -> list[Person]:
    rng = maker.rng
    gender = "M" if rng.random() < 0.8 else "F"
    head = maker.person(relation=Relation.SELF, gender=gender, age=rng.randint(low, high))
    spouse_age = head.age + rng.randint(-4, 3)
    spouse = maker.person(relation=Relation.SPOUSE, gender=_opposite(gender), age=spouse_age)
    return [head, spouse]


def _father_surname(parents: list[Person]) -> str:
    return next(p.name[0] for p in parents if p.gender == "M")


def _children(maker: PersonMaker, parents: list[Person], count: int, relation: str, elders=()):
    rng = maker.rng
    mother = next(p for p in parents if p.gender == "F")
    surname = _father_surname(parents) if rng.random() < 0.9 else mother.name[0]
    ages = sorted((mother.age - rng.randint(24, 35) for _ in range(count)), reverse=True)
    children: list[Person] = []
    for age in ages:
        family = [*elders, *parents, *children]
        children.append(
            maker.person(
                relation=relation, gender=rng.choice("MF"), age=age, surname=surname, family=family
            )
        )
    return children


def _elderly_alone(maker: PersonMaker) -> list[Person]:
    gender = "F" if maker.rng.random() < 0.65 else "M"
    return [maker.person(relation=Relation.SELF, gender=gender, age=maker.rng.randint(70, 94))]


def _single(maker: PersonMaker) -> list[Person]:
    age = maker.rng.randint(22, 45)
    return [maker.person(relation=Relation.SELF, gender=maker.rng.choice("MF"), age=age)]


def _with_children(maker: PersonMaker, count: int, low: int = 30, high: int = 50):
    parents = _couple(maker, low, high)
    return parents + _children(maker, parents, count, Relation.CHILD)


def _three_generations(maker: PersonMaker) -> list[Person]:
    rng = maker.rng
    household = _with_children(maker, rng.choice((1, 1, 2)), 30, 45)
    head = household[0]
    father_age = head.age + rng.randint(25, 32)
    grandparents = [
        maker.person(
            relation=Relation.PARENT,
            gender="M",
            age=father_age,
            surname=head.name[0],
            family=household,
        ),
        maker.person(relation=Relation.PARENT, gender="F", age=father_age - rng.randint(0, 4)),
    ]
    return household + rng.sample(grandparents, rng.choice((1, 2, 2)))


def _elder_head(maker: PersonMaker) -> list[Person]:
    rng = maker.rng
    elders = _couple(maker, 60, 80)
    son_or_daughter = _children(maker, elders, 1, Relation.CHILD)[0]
    in_law = maker.person(
        relation=Relation.OTHER,
        gender=_opposite(son_or_daughter.gender),
        age=son_or_daughter.age + rng.randint(-3, 3),
    )
    grandchild = _children(maker, [son_or_daughter, in_law], 1, Relation.GRANDCHILD, elders)
    return [*elders, son_or_daughter, in_law, *grandchild]


def _skipped_generation(maker: PersonMaker) -> list[Person]:
    rng = maker.rng
    elders = _couple(maker, 58, 76)[: rng.choice((1, 2, 2))]
    surname = elders[0].name[0] if rng.random() < 0.7 else ""
    grandchild = maker.person(
        relation=Relation.GRANDCHILD,
        gender=rng.choice("MF"),
        age=rng.randint(4, 15),
        surname=surname,
        family=elders,
    )
    return [*elders, grandchild]


def _siblings(maker: PersonMaker) -> list[Person]:
    head = _single(maker)[0]
    sibling = maker.person(
        relation=Relation.SIBLING,
        gender=maker.rng.choice("MF"),
        age=head.age + maker.rng.randint(-6, 6),
        surname=head.name[0],
        family=[head],
    )
    return [head, sibling]


_BUILDERS = {
    "elderly_alone": _elderly_alone,
    "elderly_couple": lambda maker: _couple(maker, 65, 88),
    "single": _single,
    "couple": lambda maker: _couple(maker, 25, 40),
    "one_child": lambda maker: _with_children(maker, 1, 30, 58),
    "two_children": lambda maker: _with_children(maker, 2, 33, 50),
    "three_generations": _three_generations,
    "elder_head": _elder_head,
    "skipped_generation": _skipped_generation,
    "siblings": _siblings,
}


def _tag_special_groups(rng: random.Random, members: list[Person], kind: str) -> None:
    head = members[0]
    if kind == "elderly_alone" and head.age >= 70:
        head.groups.append(SpecialGroup.ELDERLY_ALONE)
    poor_odds = 0.10 if kind in ("elderly_alone", "skipped_generation") else 0.02
    if rng.random() < poor_odds:
        head.groups.append(SpecialGroup.LOW_INCOME)
    for person in members:
        _tag_person(rng, person, left_behind=kind == "skipped_generation")


def _tag_person(rng: random.Random, person: Person, *, left_behind: bool) -> None:
    age = person.age
    if left_behind and person.relation == Relation.GRANDCHILD and age < 16:
        person.groups.append(SpecialGroup.LEFT_BEHIND_MINOR)
    elif age < 18 and rng.random() < 0.006:
        person.groups.append(SpecialGroup.DIFFICULT_MINOR)
    if rng.random() < (0.035 if age >= 60 else 0.012):
        person.groups.append(SpecialGroup.DISABLED)
    if person.gender == "M" and 40 <= age <= 85 and rng.random() < 0.03:
        person.groups.append(SpecialGroup.VETERAN)
    if age >= 50 and rng.random() < 0.015:
        person.groups.append(SpecialGroup.SERIOUS_ILLNESS)
