"""Builders of resume files (PDF with fpdf2, DOCX with python-docx) for tests."""

import io
import zipfile

RESUME_TEXT = """Maria Fernández
Data Engineer
maria.fernandez@example.org | +34 612 345 678 | Madrid, Spain | linkedin.com/in/mariaf | github.com/mariaf

Profile
Data engineer who builds reliable pipelines with Python, Spark and Airflow.

Work Experience
Senior Data Engineer | Telefónica Digital | Madrid, Spain | 03/2019 - Present
- Built ETL pipelines with Apache Airflow and PySpark on AWS.
- Migrated the warehouse to Snowflake.
Data Analyst | Banco Santander | Madrid, Spain | 06/2015 - 02/2019
- SQL reporting and Tableau dashboards.

Education
MSc Data Science, Universidad Politécnica de Madrid, 2013 - 2015

Skills
Python, SQL, Spark, Airflow, k8s, Tableau

Languages
Spanish (native), English (C1)
"""


def pdf_bytes(text: str = RESUME_TEXT) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in text.split("\n"):
        pdf.multi_cell(0, 5, line.encode("latin-1", "replace").decode("latin-1") or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def docx_bytes(text: str = RESUME_TEXT) -> bytes:
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def encrypted_pdf_bytes() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_only_pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(200, 200, 200)
    pdf.rect(20, 20, 100, 150, style="F")  # a drawing and no text, like a scan
    return bytes(pdf.output())


def zip_bomb_docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (80 * 1024 * 1024) + b"</w:document>")
    return buffer.getvalue()
