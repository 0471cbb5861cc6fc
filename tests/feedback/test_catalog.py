from feedback.catalog import categories_load
from feedback.models import Category
from feedback.routing import department_for


def test_the_standard_tree_loads_twice_without_duplicates(areas):
    first = categories_load(district=areas["310101"])
    second = categories_load(district=areas["310101"])
    assert first == second == Category.objects.filter(parent__isnull=False).count()
    assert Category.objects.get(code="0101").parent.code == "01"
    assert Category.objects.get(code="1601").sensitive


def test_every_leaf_routes_to_its_districts_department(areas):
    categories_load(district=areas["310101"])
    manhole = Category.objects.get(code="0101")
    assert department_for(manhole, "310101001001001").code == "310101-ZJ"
    leaves = Category.objects.filter(parent__isnull=False)
    assert all(department_for(leaf, "310101002002002") is not None for leaf in leaves)
