from django.db import migrations

# Role groups (docs/roles.md). Membership gives the role; which ARTs it applies to comes from
# Art.popms (POPM) and Stakeholder.user (stakeholder). Admin = staff.
ROLE_GROUPS = ("POPM", "Stakeholder")


def groups_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def groups_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("backlog", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(groups_create, groups_delete)]
