// Exact words count more than prefixes. Material's search worker appends "*" to every query word,
// so "lo" matches "logit" and "logistic" as strongly as the word "lo" (the folded "lô"), and a card
// full of such longer words outranks the one that holds the very words typed. Each word without
// Chinese characters is sent twice: as typed, boosted and without the wildcard, and as Material
// sends it. Queries that already use lunr's syntax (+ - * ~ ^ : or quotes) go through unchanged.
// Loaded in <head>, before Material's bundle creates the worker.
(function () {
  var EXACT_BOOST = 100;
  var QUERY = 2; // Material's message type for a query sent to the search worker
  var post = Worker.prototype.postMessage;

  function weighExactWords(query) {
    if (/["+\-:^~*]/.test(query)) return query;
    return query.trim().split(/\s+/).map(function (word) {
      return /\p{Script=Han}/u.test(word) ? word : word + "^" + EXACT_BOOST + " " + word;
    }).join(" ");
  }

  Worker.prototype.postMessage = function (message) {
    if (message && message.type === QUERY && typeof message.data === "string") {
      arguments[0] = Object.assign({}, message, { data: weighExactWords(message.data) });
    }
    return post.apply(this, arguments);
  };
})();
