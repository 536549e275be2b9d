// Progressive enhancement: an empty time-zone field of the registration form gets the
// browser's zone. The form works without this script (a person types their city or zone).
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  var fields = document.querySelectorAll("input[data-zone-prefill]");
  for (var i = 0; i < fields.length; i++) {
    if (!fields[i].value) fields[i].value = zone;
  }
})();
