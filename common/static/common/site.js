/* Behaviour every page shares, kept out of the HTML: the Content-Security-Policy runs no
   inline script or event handler. A <select data-autosubmit> sends its form on change. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) {
      field.form.submit();
    }
  });
})();
