/* textanalyse app: the little that htmx does not do. No inline scripts (the CSP forbids them). */
(function () {
  "use strict";
  function csrf() {
    var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    return headers["X-CSRF-Token"] || "";
  }
  // Upload: the file goes as the raw request body, so the server can stream it into the project folder.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "opplasting") { return; }
    event.preventDefault();
    var input = document.getElementById("datafil");
    var status = document.getElementById("opplastingsstatus");
    if (!input.files.length) { status.textContent = "Velg en fil først."; return; }
    var file = input.files[0];
    status.textContent = "Laster opp …";
    fetch("/ny/last-opp", {
      method: "POST", body: file, credentials: "same-origin",
      headers: {"X-CSRF-Token": csrf(), "X-Filename": encodeURIComponent(file.name),
                "Content-Type": "application/octet-stream"}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      if (!result.ok) { status.textContent = result.data.feil || "Opplastingen mislyktes."; return; }
      status.textContent = "Lastet opp som " + result.data.fil + ".";
      htmx.ajax("GET", "/ny/forhandsvis?rot=" + encodeURIComponent(result.data.rot) + "&fil=" +
                encodeURIComponent(result.data.fil), {target: "#forhandsvisning"});
    }).catch(function () { status.textContent = "Opplastingen mislyktes."; });
  });
  // Move focus to a panel that was just filled, so keyboard users land where the answer is.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "panel") { event.detail.target.focus(); }
  });
  document.addEventListener("htmx:beforeRequest", function () { document.body.classList.add("arbeider"); });
  document.addEventListener("htmx:afterRequest", function () { document.body.classList.remove("arbeider"); });
})();
