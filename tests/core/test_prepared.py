"""core.prepared: a queryset compiled once answers as the queryset itself does (model rows
with their related objects and annotations, or value rows), with new values each run, and
the prepared enrolment reads lock their rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef
from django.test.utils import CaptureQueriesContext

from core.locking import lock, locking
from core.prepared import Param, Prepared
from schools.models import Group, School
from tests import factories


def _schools(size: int):
    """`size` schools by id, with their neighbourhood and whether they have a group."""
    return (
        School.objects.filter(pk__in=[Param(f"school{i}") for i in range(size)])
        .select_related("neighbourhood__municipality")
        .annotate(
            has_group=Exists(Group.objects.filter(school=OuterRef("pk"))),
            town=F("neighbourhood__municipality__name"),
        )
        .order_by("pk")
    )


@pytest.fixture
def schools():
    with_group, without = factories.SchoolFactory(), factories.SchoolFactory()
    factories.GroupFactory(school=with_group)
    return with_group, without


@pytest.mark.django_db
def test_instances_are_the_querysets_rows_with_related_objects_and_annotations(schools):
    with_group, without = schools
    statement = Prepared(_schools)

    with CaptureQueriesContext(connection) as queries:
        found = statement.instances(2, school0=with_group.pk, school1=without.pk)
        # The related objects came with the one statement.
        names = [school.neighbourhood.municipality.name for school in found]

    assert len(queries.captured_queries) == 1
    assert [school.pk for school in found] == sorted([with_group.pk, without.pk])
    by_pk = {school.pk: school for school in found}
    assert by_pk[with_group.pk].has_group is True
    assert by_pk[without.pk].has_group is False
    assert by_pk[with_group.pk].name == with_group.name
    assert by_pk[with_group.pk].town == with_group.neighbourhood.municipality.name
    assert names == [school.town for school in found]
    assert found[0]._state.adding is False  # saved rows, as the ORM gives them


@pytest.mark.django_db
def test_it_compiles_once_per_size_and_runs_with_new_values_each_time(schools):
    with_group, without = schools
    built: list[int] = []

    def build(size: int):
        built.append(size)
        return _schools(size)

    statement = Prepared(build)
    assert [s.pk for s in statement.instances(1, school0=with_group.pk)] == [with_group.pk]
    assert [s.pk for s in statement.instances(1, school0=without.pk)] == [without.pk]
    assert len(statement.instances(2, school0=with_group.pk, school1=without.pk)) == 2
    assert built == [1, 2]


@pytest.mark.django_db
def test_rows_are_the_values_of_a_values_list(schools):
    with_group, _ = schools
    statement = Prepared(
        lambda size: (
            School.objects.filter(neighbourhood_id=Param("neighbourhood"))
            .annotate(group_count=Count("groups"))
            .order_by("pk")
            .values_list("pk", "group_count")
        )
    )

    rows = statement.rows(neighbourhood=with_group.neighbourhood_id)

    assert rows == list(
        School.objects.filter(neighbourhood_id=with_group.neighbourhood_id)
        .annotate(group_count=Count("groups"))
        .order_by("pk")
        .values_list("pk", "group_count")
    )
    assert rows == [(with_group.pk, 1)]


@pytest.mark.django_db
def test_a_missing_value_is_named():
    statement = Prepared(_schools)
    with pytest.raises(TypeError, match="school1"):
        statement.instances(2, school0=1)


@pytest.mark.django_db
def test_values_rows_cannot_be_asked_for_as_instances():
    statement = Prepared(lambda size: School.objects.values_list("pk"))
    with pytest.raises(TypeError, match="values"):
        statement.instances()


@pytest.mark.django_db
def test_lock_runs_a_prepared_statement_that_locks_by_pk_and_refuses_one_that_does_not(schools):
    with_group, _ = schools
    locked = Prepared(
        lambda size: School.objects.filter(pk=Param("school")).select_for_update().order_by("pk")
    )
    unlocked = Prepared(lambda size: School.objects.filter(pk=Param("school")).order_by("pk"))

    with locking(), CaptureQueriesContext(connection) as queries:
        [[school]] = lock(locked.bind(school=with_group.pk))
        with pytest.raises(ValueError, match="lock its rows"):
            lock(unlocked.bind(school=with_group.pk))

    assert school == with_group
    if connection.vendor == "postgresql":
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
