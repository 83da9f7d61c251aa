"""The Colab / Jupyter control panel: ipywidgets over an ApiClient.

    panel = ControlPanel(ApiClient())   # or ControlPanel(client, run_id="run-5b1c")
    panel.show()                        # display it and poll /status every 4 s
    panel.start(idea="a lighthouse keeper befriends a whale", profile="preview")
    panel.wait()                        # until the run ends or waits on a person
    panel.refresh()                     # one poll, now (what the thread does)

Layout, top to bottom: the runs list (open one), the start form (an idea or a plan's
JSON, a profile, the review gates), the run's buttons (Pause, Resume, Stop: enabled as
/status `actions` say), the banners (failures, a review waiting with Approve / Reject,
a checkbox per keyframe and a note; crashed, stopped, budget), the status column
(phase, stage, elapsed, left, attempts, the last events), a tab per stage with its
files, and the film. Every widget is an attribute (`pause_button`, `tabs`,
`keyframe_checks`, `banner_widgets`...) so tests look at the tree without a browser.

What to show is decided by state.py and assets.py (pure); this module only draws it and
sends the clicks. A button's failure (the API's typed error) shows as an `error` banner;
the same call made from code raises. ipywidgets is imported on construction only.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from html import escape
from typing import Any, Protocol

from ..errors import MissingDependencyError, SparkleMotionError
from ..stages import REVIEW_GATES
from .assets import Item, keyframe_thumbnails, tab_items
from .final import colab_download, download_link, in_colab, save_film
from .state import ENDED, TABS, Banner, PanelState, panel_state, run_lines

PROFILES = ("preview", "full")
COLOURS = {
    "failure": "#fde2e1",
    "crashed": "#fde2e1",
    "error": "#fde2e1",
    "budget": "#ffe8cc",
    "review": "#fff4c2",
    "review_answered": "#e8f1ff",
    "stopped": "#eeeeee",
    "rejected": "#eeeeee",
}
UNSET = "unset"  # nothing drawn yet (not even "no film")
MEDIA_LIMIT = 64 * 1024 * 1024  # bigger files get a link, not a player fed by the kernel


class PanelClient(Protocol):
    """What the panel asks of the API (ApiClient; a test's fake)."""

    def invoke(
        self,
        *,
        idea: str | None = None,
        plan: Mapping[str, Any] | None = None,
        profile: str | None = None,
        review: list[str] | None = None,
    ) -> dict[str, Any]: ...
    def status(self, run_id: str) -> dict[str, Any]: ...
    def runs(self, limit: int = 20) -> list[dict[str, Any]]: ...
    def artifacts(self, run_id: str, stage: str | None = None) -> dict[str, Any]: ...
    def pause(self, run_id: str) -> dict[str, Any]: ...
    def stop(self, run_id: str) -> dict[str, Any]: ...
    def resume(self, run_id: str) -> dict[str, Any]: ...
    def review(
        self,
        run_id: str,
        decision: str,
        *,
        gate: str | None = None,
        keyframes: list[int] | None = None,
        note: str | None = None,
    ) -> dict[str, Any]: ...
    def fetch(self, url: str, *, sha256: str | None = None) -> bytes: ...
    def url(self, path: str) -> str: ...
    def events(
        self, run_id: str, after: int = 0, *, url: str | None = None, idle_s: float | None = None
    ) -> Any: ...


def widgets() -> Any:
    try:
        import ipywidgets
    except ImportError:
        raise MissingDependencyError(
            "the control panel needs ipywidgets: pip install 'sparkle-motion[dashboard]'"
        ) from None
    return ipywidgets


class ControlPanel:
    """A run's control panel; `run_id` opens one at once. `interval_s` is the polling
    period (3-5 s suits a person), `idle_s` how long one poll waits on the event stream."""

    def __init__(
        self,
        client: PanelClient,
        *,
        run_id: str | None = None,
        interval_s: float = 4.0,
        idle_s: float = 0.8,
        profiles: tuple[str, ...] = PROFILES,
    ) -> None:
        w = widgets()
        self.w = w
        self.client = client
        self.run_id = run_id
        self.interval_s, self.idle_s = interval_s, idle_s
        self.state: PanelState | None = None
        self.status: dict[str, Any] | None = None
        self.events: list[dict[str, Any]] = []
        self.artifacts: dict[str, Any] | None = None
        self.last_error: SparkleMotionError | None = None
        self._lock = threading.RLock()
        self._halt = threading.Event()
        self._poller: threading.Thread | None = None
        self._quiet: tuple[Any, ...] | None = None  # the status the stream last ended at
        self._assets_key: tuple[Any, ...] | None = None
        self._rendered: dict[str, tuple[Any, ...]] = {}  # tab -> the assets it shows
        self._review_key: tuple[Any, ...] | None = None
        self._film_key: str | None = UNSET  # the checksum of the film shown (None: none)
        self._media: dict[str, bytes] = {}  # checksum -> bytes fetched

        # the runs list
        self.runs_select = w.Select(options=[], rows=5, layout=w.Layout(width="100%"))
        self.open_button = w.Button(description="Open run", icon="folder-open")
        self.runs_refresh_button = w.Button(description="Refresh list", icon="refresh")
        # the start form
        self.idea_text = w.Textarea(
            placeholder="an idea: a lighthouse keeper befriends a whale",
            layout=w.Layout(width="100%", height="4em"),
        )
        self.plan_text = w.Textarea(
            placeholder="or a plan, as JSON (a MoviePlan)",
            layout=w.Layout(width="100%", height="6em"),
        )
        self.profile_dropdown = w.Dropdown(
            options=[("server default", None), *((p, p) for p in profiles)],
            index=0,  # else ipywidgets 8.1 may store no selection (a None first value)
            description="profile",
        )
        self.gate_checks = {
            g: w.Checkbox(description=f"review {g}", indent=False) for g in REVIEW_GATES
        }
        self.start_button = w.Button(description="Start", button_style="primary", icon="play")
        # the run's buttons
        self.pause_button = w.Button(description="Pause", icon="pause", disabled=True)
        self.resume_button = w.Button(description="Resume", icon="play", disabled=True)
        self.stop_button = w.Button(description="Stop", icon="stop", disabled=True)
        # banners, and the review's controls
        self.banner_box = w.VBox()
        self.banner_widgets: list[Any] = []
        self.keyframe_checks: dict[int, Any] = {}
        self.review_note = w.Textarea(
            placeholder="a note for the audit trail", layout=w.Layout(width="100%")
        )
        self.approve_button = w.Button(description="Approve", button_style="success")
        self.reject_button = w.Button(description="Reject", button_style="danger")
        self.review_box = w.VBox(layout=w.Layout(display="none"))
        # the status column
        self.status_html = w.HTML("no run open")
        self.log_html = w.HTML("")
        # a tab per stage
        self.progress = {t: w.IntProgress(value=0, min=0, max=1) for t in TABS}
        self.stage_boxes = {t: w.VBox() for t in TABS}
        self.stage_items: dict[str, list[Item]] = {t: [] for t in TABS}
        self.media_widgets: dict[str, list[Any]] = {t: [] for t in TABS}
        self.tabs = w.Tab(children=[w.VBox([self.progress[t], self.stage_boxes[t]]) for t in TABS])
        self.tabs.titles = TABS
        # the film
        self.final_box = w.VBox()
        self.final_video: Any = None
        self.download_button = w.Button(description="Download film", icon="download")
        self.download_html = w.HTML("")

        self._wire()
        self.widget = w.VBox(
            [
                w.HTML("<b>Runs</b>"),
                self.runs_select,
                w.HBox([self.open_button, self.runs_refresh_button]),
                w.HTML("<b>Start a run</b>"),
                self.idea_text,
                self.plan_text,
                w.HBox([self.profile_dropdown, *self.gate_checks.values(), self.start_button]),
                w.HBox([self.pause_button, self.resume_button, self.stop_button]),
                self.banner_box,
                self.review_box,
                w.HBox(
                    [self.status_html, self.log_html],
                    layout=w.Layout(justify_content="space-between"),
                ),
                self.tabs,
                w.HTML("<b>Final video</b>"),
                self.final_box,
            ]
        )
        if run_id is not None:
            self.refresh()

    # ----------------------------------------------------------------- display, polling

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def show(self, *, poll: bool = True) -> ControlPanel:
        """Display the panel (and the runs list); poll in the background unless told not."""
        from IPython.display import display

        self._guard(self.refresh_runs)
        display(self.widget)
        if poll:
            self.start_polling()
        return self

    def start_polling(self, interval_s: float | None = None) -> None:
        """Refresh every `interval_s` on a daemon thread until `stop_polling()`."""
        if interval_s is not None:
            self.interval_s = interval_s
        if self.polling:
            return
        self._halt.clear()
        self._poller = threading.Thread(target=self._poll, name="sparkle-panel", daemon=True)
        self._poller.start()

    @property
    def polling(self) -> bool:
        return self._poller is not None and self._poller.is_alive()

    def stop_polling(self) -> None:
        self._halt.set()
        if self._poller is not None:
            self._poller.join(self.interval_s + 35)
            self._poller = None

    def _poll(self) -> None:
        while not self._halt.is_set():
            try:
                self._guard(self.refresh)
            except Exception as exc:  # a bug of ours must not end the polling unseen
                with self._lock:
                    self.last_error = SparkleMotionError(f"polling: {type(exc).__name__}: {exc}")
                    self._draw_banners()
            self._halt.wait(self.interval_s)

    def wait(
        self, timeout_s: float = 600.0, *, until: tuple[str, ...] = (*ENDED, "awaiting_review")
    ) -> PanelState:
        """Refresh until the run's phase is one of `until` (ended, or a review waits);
        TimeoutError naming the phase it is still in."""
        deadline = time.monotonic() + timeout_s
        while True:
            state = self.refresh()
            if state is not None and state.phase in until:
                return state
            if time.monotonic() > deadline:
                phase = state.phase if state else "no run"
                raise TimeoutError(f"run {self.run_id} still {phase} after {timeout_s:g} s")
            time.sleep(min(self.interval_s, 1.0))

    # ----------------------------------------------------------------- one poll

    def refresh(self) -> PanelState | None:
        """One poll: /status, the events since the last one, the files when steps were
        done since; then every widget. None while no run is open."""
        with self._lock:
            if self.run_id is None:
                return None
            status = self.client.status(self.run_id)
            self._read_events(status)
            state = panel_state(status, self.events)
            self.status, self.state = status, state
            self._read_assets(status)
            self._draw(state)
            return state

    def _read_events(self, status: Mapping[str, Any]) -> None:
        """The events after the last one read; not again while the stream said `end` and
        the run has not moved since (a finished run's stream is read once)."""
        key = (status["status"], status["owner"]["alive"], len(status["steps"]), status["control"])
        if self._quiet == key:
            return
        after = self.events[-1]["id"] if self.events else 0
        for event in self.client.events(
            status["run_id"], after, url=status["events_url"], idle_s=self.idle_s
        ):
            if event["type"] == "end":
                self._quiet = key
                break
            self.events.append(event)

    def _read_assets(self, status: Mapping[str, Any]) -> None:
        done = sorted((k, sorted(v.items())) for k, v in status["steps_by_stage"].items())
        key = (status["run_id"], str(done), bool(status.get("film")))
        if key == self._assets_key:
            return
        self.artifacts = self.client.artifacts(status["run_id"])
        self._assets_key = key

    # ----------------------------------------------------------------- drawing

    def _draw(self, state: PanelState) -> None:
        b = state.buttons
        self.pause_button.disabled = not b.pause
        self.resume_button.disabled = not b.resume
        self.stop_button.disabled = not b.stop
        self.start_button.disabled = not state.ended
        self.status_html.value = status_html(state)
        self.log_html.value = (
            "<pre style='margin:0;font-size:85%'>" + escape("\n".join(state.log)) + "</pre>"
        )
        self._draw_banners()
        self._draw_review(state)
        for i, tab in enumerate(TABS):
            p = state.stages[tab]
            self.progress[tab].max = max(p.total, 1)
            self.progress[tab].value = min(p.done, max(p.total, 1))
            self.progress[tab].bar_style = {
                "done": "success",
                "failed": "danger",
                "running": "info",
            }.get(p.state, "")
            self.tabs.set_title(i, f"{tab} {p.label}")
            self.stage_items[tab] = tab_items(self.artifacts, tab)
        self.render_tab(TABS[self.tabs.selected_index or 0])
        self._draw_film(state)

    def _draw_banners(self) -> None:
        """The state's banners, under the last click's error if it failed."""
        banners = list(self.state.banners) if self.state is not None else []
        if self.last_error is not None:
            banners.insert(0, Banner("error", str(self.last_error)))
        if [(b.kind, b.text) for b in self.banner_widgets] == banners:
            return
        self.banner_widgets = [banner(self.w, kind, text) for kind, text in banners]
        self.banner_box.children = tuple(self.banner_widgets)

    def _draw_review(self, state: PanelState) -> None:
        """The open review's controls, while /status says a review may be given."""
        review = state.review if state.buttons.review else None
        key = None if review is None else (review.interrupt_id, review.keyframes, self._assets_key)
        if key == self._review_key:
            return
        if key is None or self._review_key is None or key[0] != self._review_key[0]:
            self.review_note.value = ""  # a new review: a new note
        self._review_key = key
        if review is None:
            self.keyframe_checks = {}
            self.review_box.children = ()
            self.review_box.layout.display = "none"
            return
        w = self.w
        thumbs = keyframe_thumbnails(self.artifacts, review.keyframe_ids)
        self.keyframe_checks = {}
        cells = []
        for i, k in enumerate(review.keyframes):
            # the keyframe's id names its image; without it (the plan changed) its index
            kid = review.keyframe_ids[i] if i < len(review.keyframe_ids) else f"keyframe {k}"
            check = w.Checkbox(description=f"render {kid} again", indent=False)
            self.keyframe_checks[k] = check
            thumb = thumbs.get(kid)
            picture = (
                w.Image(value=self.media(thumb), format="png", width=192)
                if thumb is not None
                else w.HTML(f"<i>{escape(kid)}</i>")
            )
            cells.append(w.VBox([picture, check]))
        self.review_box.children = (
            w.HTML(f"<b>Review: {escape(review.gate)}</b> {escape(review.message)}"),
            w.HBox(cells),
            self.review_note,
            w.HBox([self.approve_button, self.reject_button]),
        )
        self.review_box.layout.display = "flex"

    def render_tab(self, tab: str) -> None:
        """Draw a tab's files (players fed with their bytes); done for the tab shown,
        and again only when its files changed."""
        items = self.stage_items[tab]
        files = tuple((i.title, i.checksum) for i in items)
        head = self._tab_head(tab)  # the plan's id and totals arrive after the first poll
        key = (files, tuple(getattr(h, "value", "") for h in head))
        if self._rendered.get(tab) == key:
            return
        if not self._rendered.get(tab) or self._rendered[tab][0] != files:
            self.media_widgets[tab] = [self._item_widget(i) for i in items]
        self._rendered[tab] = key
        self.stage_boxes[tab].children = tuple([*head, *self.media_widgets[tab]])

    def _tab_head(self, tab: str) -> list[Any]:
        state = self.state
        if state is None:
            return []
        if tab == "plan_intake":
            totals = (self.status or {}).get("stage_totals") or {}
            listed = ", ".join(f"{k} {v}" for k, v in totals.items()) or "not compiled yet"
            return [
                self.w.HTML(
                    f"plan <code>{escape(state.plan_id or '?')}</code>, profile "
                    f"{escape(state.render_profile or 'default')}: {escape(listed)}"
                )
            ]
        if not self.stage_items[tab]:
            return [self.w.HTML("<i>nothing yet</i>")]
        return []

    def _item_widget(self, item: Item) -> Any:
        w = self.w
        link = w.HTML(
            f"<a href='{escape(self.client.url(item.url))}' target='_blank'>"
            f"{escape(item.title)}</a> <small>{escape(item.name)}, {item.size_bytes:,} bytes</small>"
        )
        if item.kind == "link" or item.size_bytes > MEDIA_LIMIT:
            return link
        data = self.media(item)
        fmt = item.mime_type.split("/", 1)[1]
        if item.kind == "image":
            player = w.Image(value=data, format=fmt, width=192)
        elif item.kind == "audio":
            player = w.Audio(
                value=data, format=fmt.replace("x-wav", "wav"), autoplay=False, loop=False
            )
        else:
            player = w.Video(value=data, format=fmt, autoplay=False, loop=False, width=320)
        return w.VBox([link, player])

    def media(self, item: Item) -> bytes:
        """An item's bytes, fetched once per checksum (of the run open) and checked
        against it."""
        key = item.checksum or item.url
        if key not in self._media:
            self._media[key] = self.client.fetch(item.url, sha256=item.checksum or None)
        return self._media[key]

    def _draw_film(self, state: PanelState) -> None:
        film = state.film
        key = film.get("checksum_sha256") if film else None
        if key == self._film_key:
            return
        self._film_key = key
        w = self.w
        if film is None:
            self.final_video = None
            self.final_box.children = (w.HTML("<i>no film yet</i>"),)
            return
        self.download_html.value = download_link(
            self.client.url(film["download_url"]), film, state.run_id
        )
        under = self.download_button if in_colab() else self.download_html
        if (film.get("size_bytes") or 0) > MEDIA_LIMIT:  # too big to feed through the kernel
            self.final_video = None
            self.final_box.children = (under,)
            return
        self.final_video = w.Video(
            value=self.client.fetch(film["download_url"], sha256=film["checksum_sha256"]),
            format="mp4",
            autoplay=False,
            loop=False,
            width=480,
        )
        self.final_box.children = (self.final_video, under)

    # ----------------------------------------------------------------- what the buttons do

    def _wire(self) -> None:
        clicks: dict[Any, Callable[[], Any]] = {
            self.start_button: self.start,
            self.pause_button: self.pause,
            self.resume_button: self.resume,
            self.stop_button: self.stop,
            self.approve_button: self.approve,
            self.reject_button: self.reject,
            self.open_button: lambda: self.open_run(self.runs_select.value),
            self.runs_refresh_button: self.refresh_runs,
            self.download_button: self.download,
        }
        for button, action in clicks.items():
            button.on_click(lambda _b, action=action: self._guard(action))
        self.tabs.observe(
            lambda change: self._guard(lambda: self.render_tab(TABS[change["new"] or 0])),
            names="selected_index",
        )

    def _guard(self, action: Callable[[], Any]) -> None:
        """A click's action; an error of ours (the API's typed one) becomes the error
        banner instead of a traceback nobody sees in a callback."""
        try:
            action()
        except SparkleMotionError as exc:
            with self._lock:
                self.last_error = exc
                self._draw_banners()
        else:
            with self._lock:
                if self.last_error is not None:
                    self.last_error = None
                    self._draw_banners()

    def start(
        self,
        *,
        idea: str | None = None,
        plan: Mapping[str, Any] | None = None,
        profile: str | None = None,
        review: list[str] | None = None,
    ) -> str:
        """Start a run (from the arguments, else from the form) and open it: its id."""
        if idea is None and plan is None:
            idea, plan = self._form_source()
        if profile is None:
            profile = self.profile_dropdown.value
        if review is None:
            review = [g for g, c in self.gate_checks.items() if c.value]
        started = self.client.invoke(idea=idea, plan=plan, profile=profile, review=review or None)
        self.open_run(started["run_id"])
        return str(started["run_id"])

    def _form_source(self) -> tuple[str | None, dict[str, Any] | None]:
        text = self.plan_text.value.strip()
        if text:
            try:
                plan = json.loads(text)
            except json.JSONDecodeError as exc:
                raise PanelInputError(f"plan: not JSON ({exc})") from None
            if not isinstance(plan, dict):
                raise PanelInputError("plan: a JSON object (a MoviePlan)")
            return None, plan
        idea = self.idea_text.value.strip()
        if not idea:
            raise PanelInputError("idea: write an idea, or paste a plan")
        return idea, None

    def open_run(self, run_id: str | None) -> PanelState | None:
        """Show another run (from the runs list): everything read afresh."""
        if not run_id:
            raise PanelInputError("runs: choose a run to open")
        with self._lock:
            self.run_id = run_id
            self.events, self.artifacts, self._quiet = [], None, None
            self._assets_key = self._review_key = None
            self._film_key = UNSET
            self._rendered, self._media = {}, {}
            return self.refresh()

    def _need_run(self) -> str:
        if self.run_id is None:
            raise PanelInputError("no run open")
        return self.run_id

    def pause(self) -> None:
        self.client.pause(self._need_run())
        self.refresh()

    def resume(self) -> None:
        self.client.resume(self._need_run())
        self.refresh()

    def stop(self) -> None:
        self.client.stop(self._need_run())
        self.refresh()

    def approve(self) -> None:
        """Approve the open review (the `qa_manual_review` event), then resume the run."""
        self._answer("approve", [])

    def reject(self) -> None:
        """Reject the open review, then resume: a script rejected ends the run; keyframes
        rejected are rendered again, the ticked ones (none ticked: all of them)."""
        self._answer("reject", [k for k, c in self.keyframe_checks.items() if c.value])

    def _answer(self, decision: str, keyframes: list[int]) -> None:
        run_id = self._need_run()
        review = self.state.review if self.state else None
        if review is None:
            raise PanelInputError("no review is waiting")
        note = self.review_note.value.strip() or None
        self.client.review(
            run_id, decision, gate=review.gate, keyframes=keyframes or None, note=note
        )
        self.client.resume(run_id)
        self.refresh()

    def refresh_runs(self, limit: int = 20) -> None:
        lines = run_lines(self.client.runs(limit))
        self.runs_select.options = [(line.label, line.run_id) for line in lines]

    def download(self) -> None:
        """Colab: the film saved beside the notebook (checked), then to the browser."""
        film = self.state.film if self.state else None
        if not film or self.run_id is None:
            raise PanelInputError("no film yet")
        from pathlib import Path

        path = save_film(self.client, film, Path(f"{self.run_id}-film.mp4"))
        colab_download(path)


class PanelInputError(SparkleMotionError):
    """What was asked of the panel cannot be done as given (an empty idea, a plan that
    is not JSON, no run open); the message names the field."""


def banner(w: Any, kind: str, text: str) -> Any:
    """An alert: its kind (`kind` attribute, for tests) and text (`text`)."""
    html = w.HTML(
        f"<div style='background:{COLOURS.get(kind, '#eeeeee')};padding:4px 8px;"
        f"border-radius:4px'><b>{escape(kind)}</b>: {escape(text)}</div>"
    )
    html.kind, html.text = kind, text
    return html


def status_html(state: PanelState) -> str:
    rows = [
        ("run", state.run_id),
        ("phase", state.phase),
        ("stage", state.current_stage or "-"),
        ("elapsed", state.elapsed),
        ("left", state.eta + (f" ({state.steps_left} steps)" if state.steps_left else "")),
        ("profile", state.render_profile or "-"),
    ]
    rows += [(f"attempts of {a.step_id}", f"{a.attempts} ({a.status})") for a in state.attempts]
    body = "".join(
        f"<tr><td>{escape(k)}</td><td><b>{escape(str(v))}</b></td></tr>" for k, v in rows
    )
    return f"<table>{body}</table>"
