/* Krimpkaart: remember the facilitator's name in this browser (ui/workshop.py
   inlines this file in a tiny srcdoc iframe; never the passcode).
   Data (JSON island #kk-data): {name: cookie name, value: the author's name}. */
(function () {
  'use strict';
  const cookie = JSON.parse(document.getElementById('kk-data').textContent);
  window.parent.document.cookie = cookie.name + '=' + encodeURIComponent(cookie.value)
    + '; path=/; SameSite=Strict';
})();
