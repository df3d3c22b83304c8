# The preview of a run moves from one gzip-compressed JSON list on the run (preview_gz) to
# chunks of 100 items with per-filter counts (transfers/preview.py), so a page view reads
# only the chunks it shows. Stored previews are split on the way, and joined again when the
# migration is reversed.

import gzip
import json
import zlib

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 100  # transfers.preview.CHUNK when this was written
FILTERS = ("create", "update", "skip", "error", "warning")


def _counts(chunk):
    tally = dict.fromkeys(FILTERS, 0)
    for item in chunk:
        tally[item["outcome"]] += 1
        if item["warnings"]:
            tally["warning"] += 1
    return tally


def split_previews(apps, schema_editor):
    ImportRun = apps.get_model("transfers", "ImportRun")
    ImportPreview = apps.get_model("transfers", "ImportPreview")
    ImportPreviewChunk = apps.get_model("transfers", "ImportPreviewChunk")
    packed_runs = ImportRun.objects.filter(preview_gz__isnull=False)
    for run_id in list(packed_runs.values_list("pk", flat=True)):
        packed = ImportRun.objects.values_list("preview_gz", flat=True).get(pk=run_id)
        items = json.loads(gzip.decompress(bytes(packed)))
        preview = ImportPreview.objects.create(run_id=run_id, items=len(items))
        counts = {name: [] for name in FILTERS}
        chunks = []
        for number, start in enumerate(range(0, len(items), CHUNK)):
            chunk = items[start : start + CHUNK]
            for name, count in _counts(chunk).items():
                counts[name].append(count)
            data = zlib.compress(json.dumps(chunk, ensure_ascii=False).encode(), 1)
            chunks.append(ImportPreviewChunk(preview=preview, number=number, data=data))
        ImportPreviewChunk.objects.bulk_create(chunks, batch_size=50)
        preview.counts = counts
        preview.save(update_fields=["counts"])
        ImportRun.objects.filter(pk=run_id).update(preview=preview)


def join_previews(apps, schema_editor):
    ImportRun = apps.get_model("transfers", "ImportRun")
    ImportPreviewChunk = apps.get_model("transfers", "ImportPreviewChunk")
    with_preview = ImportRun.objects.filter(preview__isnull=False)
    for run_id, preview_id in list(with_preview.values_list("pk", "preview_id")):
        chunks = ImportPreviewChunk.objects.filter(preview_id=preview_id).order_by("number")
        items = [
            item
            for data in chunks.values_list("data", flat=True)
            for item in json.loads(zlib.decompress(bytes(data)))
        ]
        packed = gzip.compress(json.dumps(items, ensure_ascii=False).encode(), 1)
        ImportRun.objects.filter(pk=run_id).update(preview_gz=packed)


class Migration(migrations.Migration):

    dependencies = [
        ('transfers', '0003_import_run_preview_digest'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportPreview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('items', models.PositiveIntegerField(default=0)),
                ('counts', models.JSONField(default=dict)),
                ('run', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='previews', to='transfers.importrun')),
            ],
        ),
        migrations.AddField(
            model_name='importrun',
            name='preview',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='transfers.importpreview'),
        ),
        migrations.CreateModel(
            name='ImportPreviewChunk',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField()),
                ('data', models.BinaryField()),
                ('preview', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='chunks', to='transfers.importpreview')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('preview', 'number'), name='one_chunk_per_number')],
            },
        ),
        migrations.RunPython(split_previews, join_previews),
        migrations.RemoveField(
            model_name='importrun',
            name='preview_gz',
        ),
    ]
