"""python manage.py evidence_verify PACKAGE.zip [--offline]"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from media_ingest.review.models import EvidencePackage
from media_ingest.review.package import verify_package


class Command(BaseCommand):
    help = ("Kiểm tra gói chứng cứ: băm lại mọi tệp và so với manifest và bản ghi của hệ thống. / "
            "Verify an evidence package: re-hash every file against the manifest and the server's record.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--offline", action="store_true",
                            help="only check the ZIP against its own manifest (no database)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp / file not found: {path}")
        report = verify_package(path)  # offline: hashes, and the signature by the key written in it
        if not options["offline"] and report.package_id is not None:
            recorded = EvidencePackage.objects.filter(pk=report.package_id).first()
            if recorded is None:
                report.ok = False
                report.problem("hệ thống không có bản ghi gói chứng cứ mang số này",
                               "no package with this id was recorded by this server")
            else:
                from media_ingest.review.apis.evidence import signature_rule

                report = verify_package(path, expected_manifest_sha256=recorded.manifest_sha256,
                                        expected_zip_sha256=recorded.sha256, **signature_rule(recorded))
        if options["json"]:
            self.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False))
        elif report.ok:
            self.stdout.write(f"OK: gói {report.package_id} toàn vẹn, {report.checked} tệp / "
                              f"package {report.package_id} intact, {report.checked} files")
        if not report.ok:
            raise CommandError("KHÔNG HỢP LỆ / INVALID: " + "; ".join(report.problems))
