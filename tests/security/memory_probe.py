"""Run by test_memory.py in a child process: ``idle`` loads Django and the modules only;
``bombs`` then feeds every bomb of the corpus to the code that inspects it. Prints the
child's own peak RSS in kilobytes on its last line."""

from __future__ import annotations

import io
import os
import resource
import sys


def main(mode: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from evidence import filetypes
    from portal.portfolio.verify import read_embedded
    from standards.importer import parse_json, validate
    from tests.security import corpus

    if mode == "bombs":
        for build in (corpus.zip_bomb_docx, corpus.pdf_objstm_bomb, corpus.zip_lying_sizes_docx):
            data = build()
            try:
                filetypes.detect(io.BytesIO(data), size=len(data))
            except filetypes.Refused as refused:
                print("refused:", refused)
            del data
        _document, problems = parse_json(corpus.nested_json(1_000_000))
        print("json:", problems[0])
        document, _ = parse_json(corpus.as_json(corpus.standard_doc(order=10**18)))
        print("order:", validate(document)[1][0])
        print("manifest:", read_embedded(corpus.manifest_bomb_pdf(800)))
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    main(sys.argv[1])
