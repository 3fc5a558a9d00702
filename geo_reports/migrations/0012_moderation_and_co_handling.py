# Moderation (public versions of the texts, hidden reports) and co-handling agencies (tembusan),
# also named by routing rules. Every new report column has a database default, so rows written in
# SQL (generate_reports) need no change.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('districts', '0004_osm_import'),
        ('geo_reports', '0011_question_visibility_and_limits'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='answers_original',
            field=models.JSONField(blank=True, db_default=models.Value({}, models.JSONField()), default=dict, help_text='Staff only: the answers whose public version differs, as the reporter wrote them.', verbose_name='answers as written'),
        ),
        migrations.AddField(
            model_name='report',
            name='description_original',
            field=models.TextField(blank=True, db_default='', help_text="Staff only: the reporter's text, when the public description differs from it.", max_length=4000, verbose_name='description as written'),
        ),
        migrations.AddField(
            model_name='report',
            name='hidden_reason',
            field=models.CharField(blank=True, choices=[('abusive', 'Abusive or offensive'), ('test', 'A test, not a real report'), ('personal_data', 'Personal data that cannot be masked'), ('other', 'Another reason')], db_default='', max_length=16, verbose_name='why hidden'),
        ),
        migrations.AddField(
            model_name='report',
            name='is_hidden',
            field=models.BooleanField(db_default=False, default=False, help_text='Hidden by staff: on no public list, map, count, feed or interface.', verbose_name='hidden from the public'),
        ),
        migrations.AddField(
            model_name='report',
            name='needs_review',
            field=models.BooleanField(db_default=False, default=False, help_text='Personal data was found and masked in public; staff have not yet looked at it.', verbose_name='needs review'),
        ),
        migrations.AddField(
            model_name='routingrule',
            name='co_handlers',
            field=models.ManyToManyField(blank=True, help_text='Copied (tembusan) on every report this rule routes: they read it and may reply; the agency above leads it.', related_name='co_handling_rules', to='districts.agency', verbose_name='co-handling agencies'),
        ),
        migrations.AlterField(
            model_name='reportupdate',
            name='kind',
            field=models.CharField(choices=[('created', 'Report received'), ('status', 'Status change'), ('comment', 'Public reply'), ('note', 'Internal note'), ('rerouted', 'Re-routed'), ('assigned', 'Assigned'), ('rated', 'Rated'), ('documents', 'Documents attached'), ('co_handling_added', 'Another agency co-handles it'), ('co_handling_ended', 'An agency no longer co-handles it'), ('moderated', 'Moderated')], max_length=20, verbose_name='kind'),
        ),
        migrations.CreateModel(
            name='ReportCoHandler',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.CharField(blank=True, max_length=300, verbose_name='why')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='since')),
                ('added_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL, verbose_name='added by')),
                ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='districts.agency', verbose_name='agency')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='co_handlers', to='geo_reports.report')),
            ],
            options={
                'verbose_name': 'co-handling agency',
                'verbose_name_plural': 'co-handling agencies',
                'ordering': ['created_at', 'id'],
                'indexes': [models.Index(fields=['agency', 'report'], name='cohandler_agency_idx')],
                'constraints': [models.UniqueConstraint(fields=('report', 'agency'), name='cohandler_once_per_agency')],
            },
        ),
    ]
