from feedback.catalog import categories_load
from feedback.models import Category


def test_the_standard_tree_loads_twice_without_duplicates_and_routes_leaves(areas):
    first = categories_load(district=areas["310101"])
    second = categories_load(district=areas["310101"])
    assert first == second == Category.objects.filter(parent__isnull=False).count()
    manhole = Category.objects.get(code="0101")
    assert manhole.parent.code == "01" and manhole.department.name == "住房和城乡建设局"
    assert Category.objects.get(code="1601").sensitive
    assert not Category.objects.filter(parent__isnull=False, department__isnull=True).exists()
