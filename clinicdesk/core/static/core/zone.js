// Progressive enhancement: tell the server the browser's time zone once, then show the
// page again with every time in that zone. Pages are complete without this script.
(function () {
  var root = document.documentElement;
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone) return;
  var select = document.getElementById("tz-select");
  if (select && !select.dataset.chosen) {
    select.value = zone;
  }
  if (root.dataset.tzSource !== "default" || zone === root.dataset.tz) return;
  if (navigator.cookieEnabled === false) return;
  document.cookie = "clinicdesk_tz=" + encodeURIComponent(zone) +
    "; path=/; max-age=31536000; samesite=lax";
  window.location.reload();
})();
