"""End to end in headless Chromium: `streamlit run app.py` on a free port, a question, the
answer and highlighted passage, the source view scrolled to the passage, and a hostile document
that must stay text. Screenshots go to test-artifacts/ (gitignored); the server is always killed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import free_port, stop_group, wait_for_http

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "test-artifacts"
QUESTION = "which province targets 500亿 contract turnover"
PAYLOAD = "<img src=x onerror=alert(1)>"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
# The closed network makes Chromium hang on its background services without these.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("POLICYQA_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, timeout=60_000)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def serve(env: dict[str, str], timeout: float = 90):
    """``streamlit run app.py`` on a free port; yields (url, start time); kills the server's process group."""
    port = free_port()
    log = open(ARTIFACTS / f"streamlit-{port}.log", "wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", "--global.developmentMode", "false"],
        cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_for_http(url + "/_stcore/health", proc, timeout, "streamlit")
        except (RuntimeError, TimeoutError) as e:
            raise type(e)(f"{e}; see {log.name}") from None
        yield url, t0
    finally:
        stop_group(proc)
        log.close()


@contextmanager
def served_folder(browser, tmp_path: Path, docs: Path):
    """A BM25 index of ``docs`` served by the app; yields a page opened on it (closed afterwards)."""
    from config import Config, EncoderConfig
    from index.build import build_index

    build_index([docs], Config().with_(index_dir=tmp_path / "index", encoder=EncoderConfig(backend="none")))
    env = {"POLICYQA_INDEX_DIR": str(tmp_path / "index"), "POLICYQA_ENCODER": "none"}
    with serve(env) as (url, _t0):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(60_000)
        try:
            page.goto(url, wait_until="domcontentloaded")
            yield page
        finally:
            page.close()


def _ask(page, q: str, timeout_ms: int):
    """Type ``q``, press Enter, wait until a new answer card (answer or not found) is shown."""
    cards = page.locator(".pq-card")
    before = cards.first.inner_text() if cards.count() else ""
    box = page.get_by_label("问题", exact=True)
    try:
        box.fill(q)
    except Exception:
        _shot(page, "failed-ask.png")  # what the page showed instead of the question box
        raise
    box.press("Enter")
    page.wait_for_function(
        "prev => { const c = document.querySelector('.pq-card'); return c && c.innerText !== prev; }",
        arg=before, timeout=timeout_ms)


def _source_frame(page, timeout_s: float = 30):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        for f in page.frames:
            try:
                if f.locator("#pq-target").count():
                    return f
            except Exception:  # frame navigating
                pass
        time.sleep(0.2)
    raise AssertionError("source view did not appear")


def _shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), full_page=False)
    print(f"screenshot: {path}")
    return path


@pytest.fixture(scope="module", autouse=True)
def _artifacts():
    ARTIFACTS.mkdir(exist_ok=True)


def test_ask_answer_and_source_view(browser, sample_cfg, sample_build):
    env = {"POLICYQA_INDEX_DIR": str(sample_cfg.index_dir), "POLICYQA_VECTOR_CACHE": str(sample_cfg.vector_cache_path)}
    with serve(env) as (url, t0):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(60_000)
        try:
            page.goto(url, wait_until="domcontentloaded")
            _ask(page, QUESTION, 120_000)
            cold = time.perf_counter() - t0
            card = page.locator(".pq-answer")
            assert "黑龙江" in card.inner_text()
            # Streamlit renders the card first and the passages after it: wait for them.
            page.locator(".pq-hit mark", has_text="500亿").first.wait_for(state="visible", timeout=30_000)
            page.get_by_role("button", name="查看原文 [1]").wait_for(timeout=30_000)
            _shot(page, "ask.png")

            page.get_by_role("button", name="查看原文 [1]").click()
            frame = _source_frame(page)
            # The passage is inside the visible part of the document pane.
            frame.wait_for_function(
                "() => { const d = document.getElementById('pq-doc'), t = document.getElementById('pq-target');"
                " const a = d.getBoundingClientRect(), b = t.getBoundingClientRect();"
                " return d.scrollTop > 0 && b.top >= a.top && b.top < a.bottom; }", timeout=15_000)
            assert "500亿" in frame.locator("#pq-target").inner_text()
            _shot(page, "source.png")

            t1 = time.perf_counter()
            _ask(page, "浙江省2021年科技工作的主要思路是什么？", 60_000)
            page.locator(".pq-hit[data-region='浙江']").first.wait_for(state="visible", timeout=30_000)
            warm = time.perf_counter() - t1
            _shot(page, "warm.png")
        finally:
            page.close()
    timings = {"cold_start_to_first_answer_s": round(cold, 2), "warm_question_s": round(warm, 2)}
    (ARTIFACTS / "timings.json").write_text(json.dumps(timings), encoding="utf-8")
    print("timings:", timings)
    assert cold < 120 and warm < 30


def test_hostile_document_stays_text(browser, tmp_path):
    from config import Config
    from index.build import build_index
    from tests.test_app import FILLER, PLAIN_DOC, XSS_DOC

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "xss.txt").write_text(XSS_DOC, encoding="utf-8")
    (docs / "plain.txt").write_text(PLAIN_DOC, encoding="utf-8")
    for i, text in enumerate(FILLER):
        (docs / f"filler{i}.txt").write_text(text, encoding="utf-8")
    cfg = Config().with_(index_dir=tmp_path / "index", vector_cache=tmp_path / "v.sqlite")
    from config import EncoderConfig

    build_index([docs], cfg.with_(encoder=EncoderConfig(backend="none")))
    env = {"POLICYQA_INDEX_DIR": str(tmp_path / "index"), "POLICYQA_ENCODER": "none"}
    dialogs: list[str] = []
    with serve(env) as (url, _t0):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(60_000)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        try:
            page.goto(url, wait_until="domcontentloaded")
            _ask(page, "数据安全示范园区", 60_000)
            page.locator(".pq-hit").first.wait_for(state="visible", timeout=30_000)
            page.get_by_text("<script>alert(1)</script>", exact=False).first.wait_for(state="visible")
            page.get_by_role("button", name="查看原文").first.click()
            frame = _source_frame(page)
            assert "<img src=x onerror=alert(1)>" in frame.locator("#pq-doc").inner_text()
            assert frame.locator("#pq-doc img, #pq-doc script, #pq-doc svg").count() == 0
            page.wait_for_timeout(1000)
            _shot(page, "xss.png")
        finally:
            page.close()
    assert dialogs == []


def test_source_view_of_a_docx_table_row(browser, tmp_path):
    """A figure inside a DOCX table: the answer's source says the table row, and the original can be downloaded."""
    from tests.test_ingest_formats import make_docx

    docs = tmp_path / "docs"
    docs.mkdir()
    make_docx(docs / "指标分解.docx")
    with served_folder(browser, tmp_path, docs) as page:
        _ask(page, "青岛市技术合同成交额2025年的目标是多少？", 60_000)
        card = page.locator(".pq-card").first
        assert "800亿元" in card.inner_text() and "表1第3行" in card.inner_text()
        page.get_by_role("button", name="查看原文").first.click()
        _source_frame(page)
        page.get_by_text("文本提取自", exact=False).first.wait_for(state="visible")
        assert page.get_by_text("表1", exact=False).count() > 0
        assert page.get_by_role("button", name="下载原文件 指标分解.docx").count() == 1
        _shot(page, "docx-source.png")


def test_app_answers_while_the_cli_reindexes(browser, tmp_path):
    """The app keeps answering, from one version at a time, while ``cli.py ingest`` rebuilds the same index."""
    import threading

    from tests.test_concurrency import NEW, OLD

    docs = tmp_path / "docs"
    docs.mkdir()
    doc = docs / "plan.txt"
    doc.write_text(OLD, encoding="utf-8")
    index = tmp_path / "index"
    env = {"POLICYQA_INDEX_DIR": str(index), "POLICYQA_ENCODER": "none"}
    run = {**os.environ, **env}
    subprocess.run([sys.executable, "cli.py", "ingest", str(docs), "--quiet"], cwd=ROOT, env=run, check=True,
                   capture_output=True, timeout=120)
    stop = threading.Event()
    builds: list[int] = []

    def reindex() -> None:
        i = 0
        while not stop.is_set():
            doc.write_text(NEW if i % 2 == 0 else OLD, encoding="utf-8")
            r = subprocess.run([sys.executable, "cli.py", "ingest", str(docs), "--quiet"], cwd=ROOT, env=run,
                               capture_output=True, text=True, timeout=120)
            builds.append(r.returncode)
            i += 1

    answers: list[str] = []
    with serve(env) as (url, _t0):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(60_000)
        writer = threading.Thread(target=reindex)
        writer.start()
        try:
            page.goto(url, wait_until="domcontentloaded")
            for k in range(8):
                q = "全省技术合同成交额要突破多少？" if k % 2 == 0 else "全省技术合同成交额的目标是突破多少亿元？"
                _ask(page, q, 60_000)
                # Streamlit replaces the page element by element: read once the rerun has finished (stable text)
                last, passages = None, ""
                for _ in range(40):
                    card = page.locator(".pq-card").first.inner_text()
                    passages = " ".join(page.locator(".pq-hit").all_inner_texts())
                    if (card, passages) == last and page.locator("[data-testid='stStatusWidget']").count() == 0:
                        break
                    last = (card, passages)
                    page.wait_for_timeout(500)
                assert page.locator("[data-testid='stException']").count() == 0
                figure = "500亿元" if "500亿元" in card else "800亿元" if "800亿元" in card else card
                other = "2万家" if figure == "500亿元" else "1万家"
                assert figure in ("500亿元", "800亿元") and other not in passages, (card, passages)
                answers.append(figure)
        finally:
            stop.set()
            writer.join(180)
            _shot(page, "reindex.png")
            page.close()
    assert builds and all(rc == 0 for rc in builds) and len(answers) == 8


def test_targets_chart_bar_opens_its_sentence(browser, tmp_path):
    """The targets page's chart: a click on a region's bar opens that target's sentence highlighted."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "黑龙江省科技创新规划.txt").write_text(
        "黑龙江省科技创新规划\n到2025年，全省技术合同成交额达到400亿元，高新技术企业数量达到5000家。\n", encoding="utf-8")
    (docs / "湖南省科技创新规划.txt").write_text(  # a hostile title: it must stay text in the tooltip and everywhere
        f"{PAYLOAD}湖南省科技创新规划\n到2025年，全省技术合同成交额突破900亿元，研发经费投入强度达到2.6%。\n",
        encoding="utf-8")
    with served_folder(browser, tmp_path, docs) as page:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.get_by_text("政策目标表", exact=True).click()
        page.get_by_text("指标", exact=True).first.wait_for(state="visible")
        box = page.locator("[data-testid='stSelectbox']").filter(has_text="指标").first
        box.locator("input").click()
        page.keyboard.type("技术合同成交额")
        page.keyboard.press("Enter")
        page.get_by_text("按地区", exact=False).first.click()
        chart = page.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first
        chart.wait_for(state="visible")
        time.sleep(1.0)  # the chart's first render
        area = chart.bounding_box()
        # two bars (湖南 900亿 left, 黑龙江 400亿 right), both reach the middle of the plot
        page.mouse.move(area["x"] + area["width"] * 0.35, area["y"] + area["height"] * 0.5)
        tip = page.locator("#vg-tooltip-element")
        tip.wait_for(state="visible", timeout=10_000)
        assert "<img" in tip.inner_text() and tip.locator("img").count() == 0, tip.inner_html()
        page.mouse.click(area["x"] + area["width"] * 0.35, area["y"] + area["height"] * 0.5)
        frame = _source_frame(page)
        mark = frame.locator("mark.answer").first.inner_text()
        assert mark == "900亿元", mark  # the left bar: 湖南
        assert not dialogs and page.locator("img[src='x']").count() == 0
        assert frame.locator("img[src='x']").count() == 0
        _shot(page, "targets-chart-click.png")


def test_app_upload_while_the_cli_builds(browser, tmp_path):
    """The app's upload is a writer too: while ``cli.py ingest`` holds the index's build lock (paused mid-build), an
    upload says another build is running, keeps the file, and loses nothing; once the CLI build is done, the same
    upload indexes and the app answers from both documents."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plan.txt").write_text("山东省科技创新规划\n到2025年，全省技术合同成交额突破3000亿元。\n", encoding="utf-8")
    index, uploads = tmp_path / "index", tmp_path / "uploads"
    env = {"POLICYQA_INDEX_DIR": str(index), "POLICYQA_ENCODER": "none", "POLICYQA_UPLOAD_DIR": str(uploads)}
    run = {**os.environ, **env}
    subprocess.run([sys.executable, "cli.py", "ingest", str(docs), "--quiet"], cwd=ROOT, env=run, check=True,
                   capture_output=True, timeout=120)
    upload = tmp_path / "湖南省科技规划.txt"
    upload.write_text("湖南省科技规划\n到2025年，全省高新技术企业数量达到1.5万家。\n", encoding="utf-8")
    (docs / "notice.txt").write_text("山东省科技厅通知\n请于2025年5月31日前完成申报。\n", encoding="utf-8")
    with serve(env) as (url, _t0):
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.set_default_timeout(60_000)
        cli = subprocess.Popen([sys.executable, "cli.py", "ingest", str(docs), "--quiet"], cwd=ROOT,
                               env={**run, "POLICYQA_PAUSE_AT": "bm25:25"}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.time() + 30
            while not list(index.glob(".staging-*")) and time.time() < deadline:
                time.sleep(0.2)  # the CLI build is past its lock and paused
            assert list(index.glob(".staging-*")), "the CLI build did not start"
            page.goto(url, wait_until="domcontentloaded")
            # the page switch, not the sidebar's 文档 filter, which shares its label
            nav = page.get_by_test_id("stSidebar").get_by_test_id("stRadioGroup")
            nav.get_by_text("文档", exact=True).click()
            page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
            page.get_by_role("button", name="保存并索引").click()
            page.get_by_text("另一个索引任务正在运行", exact=False).first.wait_for(state="visible", timeout=60_000)
            assert (uploads / upload.name).exists()  # the upload is kept for the next build
            out, err = cli.communicate(timeout=120)
            assert cli.returncode == 0 and "Traceback" not in err, err
            page.get_by_role("button", name="保存并索引").click()
            done = page.get_by_text("索引完成", exact=False).first
            done.wait_for(state="visible", timeout=60_000)
            assert "3 篇文档" in done.inner_text(), done.inner_text()  # plan, notice (the CLI's) and the upload
            assert page.locator("[data-testid='stException']").count() == 0
            nav.get_by_text("问答", exact=True).click()
            _ask(page, "湖南省高新技术企业数量的目标是多少？", 60_000)
            assert "1.5万家" in page.locator(".pq-card").first.inner_text()
            _ask(page, "全省技术合同成交额要突破多少亿元？", 60_000)
            assert "3000亿元" in page.locator(".pq-card").first.inner_text()
        finally:
            if cli.poll() is None:
                cli.kill()
            page.close()
