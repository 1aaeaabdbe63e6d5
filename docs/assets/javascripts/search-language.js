// Each page searches only its own language: Material requests "search/search_index.json";
// this asks for "search/search_index.<lang>.json" instead, written by scripts/search_index.py.
// Loaded in <head>, before Material's bundle makes the request.
(function () {
  var lang = document.documentElement.lang;
  var open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url) {
    var target = String(url);
    if (lang && /\/search\/search_index\.json$/.test(target)) {
      arguments[1] = target.replace(/search_index\.json$/, "search_index." + lang + ".json");
    }
    return open.apply(this, arguments);
  };
})();
