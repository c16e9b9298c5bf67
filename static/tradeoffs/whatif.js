// Drag a feature onto another in the "Propose an order" list to ask "what if it went before it?".
// The same question as the "move … ahead of …" form, which works without JavaScript.
(function () {
  const list = document.querySelector("[data-drag-order]");
  if (!list) return;
  document.querySelectorAll(".drag-hint").forEach(function (hint) { hint.hidden = false; });
  let dragged = null;
  list.querySelectorAll("[data-feature]").forEach(function (row) {
    row.draggable = true;
    row.addEventListener("dragstart", function (event) {
      dragged = row.dataset.feature;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged);
      row.classList.add("dragging");
    });
    row.addEventListener("dragend", function () { row.classList.remove("dragging"); });
    row.addEventListener("dragover", function (event) {
      if (dragged && dragged !== row.dataset.feature) {
        event.preventDefault();
        row.classList.add("drop-target");
      }
    });
    row.addEventListener("dragleave", function () { row.classList.remove("drop-target"); });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      const before = row.dataset.feature;
      if (!dragged || dragged === before) return;
      const query = new URLSearchParams({ mode: "move", move: dragged, before: before });
      const unit = document.getElementById("id_unit");
      if (unit && unit.value) query.set("unit", unit.value);
      window.location.search = query.toString();
    });
  });
})();
