// The static mirror's search (zbor export-site): lists the objects whose words start with
// every word typed. ZBOR_INDEX holds [page, title, words] for every public object. Without
// this script the mirror works the same, searched by type, maker, event and year.
(function () {
  var status = document.getElementById("mirror-status");
  var list = document.getElementById("mirror-results");
  var box = document.getElementById("site-search");
  if (!status || !list) {
    return;
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  if (box) {
    box.value = query;
  }
  var terms = query.toLowerCase().replace(/ё/g, "е").split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (terms.length === 0) {
    return;
  }
  var hits = ZBOR_INDEX.filter(function (entry) {
    var words = " " + entry[2];
    return terms.every(function (term) {
      return words.indexOf(" " + term) !== -1;
    });
  });
  status.textContent = hits.length ? status.dataset.found + " " + hits.length : status.dataset.none;
  hits.slice(0, 500).forEach(function (entry) {
    var item = document.createElement("li");
    var link = document.createElement("a");
    link.href = entry[0];
    link.textContent = entry[1];
    item.appendChild(link);
    list.appendChild(item);
  });
})();
