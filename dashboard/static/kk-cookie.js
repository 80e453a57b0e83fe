/* Krimpkaart: remember the facilitator's name, or the passcode limit's client token, in this
   browser (ui/workshop.py inlines this file in a tiny srcdoc iframe; never the passcode).
   Data (JSON island #kk-data): {name: cookie name, value: its value, max_age: seconds or
   absent (then the cookie lasts as long as the browser session)}. */
(function () {
  'use strict';
  const cookie = JSON.parse(document.getElementById('kk-data').textContent);
  window.parent.document.cookie = cookie.name + '=' + encodeURIComponent(cookie.value)
    + (cookie.max_age ? '; max-age=' + Number(cookie.max_age) : '')
    + '; path=/; SameSite=Strict';
})();
