// Page behaviour shared by every page (no inline scripts: the Content-Security-Policy allows
// scripts from this server only).

// The ART switch in the top bar goes to the chosen ART at once (the Go button is for no-JS).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]")) {
    event.target.form.requestSubmit();
  }
});
