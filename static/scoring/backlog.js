// The ranked backlog's inline scoring: what the POPM is doing survives the page's htmx swaps.
//
// - A row's saves queue (hx-sync on the row) and swap only what they changed, so the select
//   keeps the focus; htmx puts the focus back by id when the table is swapped.
// - The table refresh that follows a scoring run waits while a save is on its way, and is
//   not swapped in if a save started after it was read: its values would be older.
// - A message of a refused save stays, through refreshes, until the POPM dismisses it.
(function () {
  "use strict";

  let inFlight = 0; // row saves sent and not answered
  let saveCount = 0; // row saves started so far
  let saveCountAtRefresh = 0; // saveCount when the table refresh under way was sent
  let refreshWanted = false;
  let keptMessages = [];

  const isRow = (elt) => elt instanceof Element && elt.matches("tr[data-score-row]");
  const isTable = (elt) => elt instanceof Element && elt.id === "backlog-table";

  function refreshIfWanted() {
    if (refreshWanted && inFlight === 0) {
      refreshWanted = false;
      htmx.trigger(document.body, "scoring-done");
    }
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    const elt = event.detail.elt;
    if (isRow(elt)) {
      inFlight += 1;
      saveCount += 1;
    } else if (isTable(elt)) {
      if (inFlight > 0) {
        event.preventDefault();
        refreshWanted = true;
        return;
      }
      saveCountAtRefresh = saveCount;
    }
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    if (!isRow(event.detail.elt)) return;
    inFlight = Math.max(0, inFlight - 1);
    // A queued save of the row is sent right after this event: look once it had its turn.
    setTimeout(refreshIfWanted, 0);
  });

  document.addEventListener("htmx:beforeSwap", (event) => {
    if (!isTable(event.detail.target)) return;
    if (inFlight > 0 || saveCount !== saveCountAtRefresh) {
      event.detail.shouldSwap = false;
      refreshWanted = true;
      setTimeout(refreshIfWanted, 0);
      return;
    }
    keptMessages = Array.from(event.detail.target.querySelectorAll(".row-msgs"))
      .filter((box) => box.children.length > 0)
      .map((box) => [box.id, Array.from(box.children)]);
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (!isTable(event.detail.target)) return;
    for (const [id, messages] of keptMessages) {
      const box = document.getElementById(id);
      if (box && box.children.length === 0) box.append(...messages);
    }
    keptMessages = [];
  });

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element && event.target.closest("[data-dismiss]");
    if (!button) return;
    const row = button.closest("tr");
    button.closest(".row-message").remove();
    // Back to the row's first input, so the keyboard carries on where it was.
    const select = row && row.querySelector("select.score");
    if (select) select.focus();
  });
})();
