"""core.api.ModelSerializer: fields worked out once per class, and still each serializer's own."""

from rest_framework import serializers

from activities.models import Activity
from core.api import ModelSerializer


class Cached(ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "title", "status", "school"]


class Narrower(Cached):
    class Meta:
        model = Activity
        fields = ["id", "title"]


class Plain(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = ["id", "title", "status", "school"]


def test_the_fields_are_drfs_own():
    assert repr(Cached().fields) == repr(Plain().fields)


def test_each_serializer_gets_its_own_fields_bound_to_it():
    first, second = Cached(), Cached()

    for name in ("title", "school"):
        assert first.fields[name] is not second.fields[name]
        assert first.fields[name].parent is first
        assert second.fields[name].parent is second


def test_a_change_to_one_serializers_fields_stays_there():
    changed = Cached()
    changed.fields["school"].queryset = changed.fields["school"].queryset.none()

    assert changed.fields["school"].queryset.query.is_empty()
    assert not Cached().fields["school"].queryset.all().query.is_empty()


def test_a_subclass_works_out_its_own():
    assert list(Cached().fields) == ["id", "title", "status", "school"]
    assert list(Narrower().fields) == ["id", "title"]
    assert list(Cached().fields) == ["id", "title", "status", "school"]
