(function () {
  function key(cell) {
    var raw = cell.getAttribute('data-v');
    if (raw !== null) { return {n: parseFloat(raw)}; }
    var text = cell.textContent.trim();
    var clean = text.replace(/[\s\u00a0]/g, '').replace('%', '').replace(',', '.');
    if (/^[<>]?[-+\u2212]?\d+(\.\d+)?$/.test(clean)) {
      return {n: parseFloat(clean.replace(/^[<>]/, '').replace('\u2212', '-'))};
    }
    return {s: text.toLowerCase()};
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) { return a.n - b.n; }
    if (a.n !== undefined) { return -1; }
    if (b.n !== undefined) { return 1; }
    return a.s.localeCompare(b.s, 'nb');
  }
  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    var heads = table.tHead.rows[0].cells;
    for (var h = 0; h < heads.length; h++) { heads[h].removeAttribute('aria-sort'); }
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var rows = Array.prototype.slice.call(body.rows).map(function (row, i) {
      return {row: row, key: key(row.cells[index]), i: i};
    });
    rows.sort(function (a, b) {
      var c = compare(a.key, b.key);
      return (ascending ? c : -c) || a.i - b.i;
    });
    rows.forEach(function (item) { body.appendChild(item.row); });
  }
  var tables = document.querySelectorAll('table.sorterbar');
  Array.prototype.forEach.call(tables, function (table) {
    if (!table.tHead) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.addEventListener('click', function () { sortBy(table, th, index); });
      th.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sortBy(table, th, index); }
      });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll('button.kopier'), function (button) {
    button.addEventListener('click', function () {
      var target = document.getElementById(button.getAttribute('data-target'));
      if (!target) { return; }
      var text = target.textContent;
      function done() { button.textContent = 'Kopiert'; setTimeout(function () { button.textContent = 'Kopier'; }, 1500); }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () {});
      } else {
        var range = document.createRange();
        range.selectNodeContents(target);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        try { document.execCommand('copy'); done(); } catch (e) {}
      }
    });
  });
})();
