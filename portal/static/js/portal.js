/* Progressive enhancement only: every page works without this file.
   When a form comes back with errors, focus moves to the error summary at the top of the page, and each
   of its links moves focus to the field it names (showing the field's label or legend too). */
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) {
      return;
    }
    event.preventDefault();
    var fieldset = field.closest("fieldset");
    var caption = (fieldset && fieldset.querySelector("legend")) || document.querySelector("label[for='" + field.id + "']");
    (caption || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
});

/* A citation's word count as it is typed, counted as the server counts it: runs of characters between the
   separators the page names (data-word-separators), against the limit it names (data-word-limit). */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var output = document.getElementById(area.id + "-count");
    if (!output) {
      return;
    }
    var words = new RegExp("[^" + area.dataset.wordSeparators + "]+", "g");
    var limit = Number(area.dataset.wordLimit);
    var update = function () {
      var count = (area.value.match(words) || []).length;
      output.textContent = output.dataset.template.replace("{count}", count).replace("{limit}", limit);
      output.classList.toggle("over-limit", count > limit);
    };
    area.addEventListener("input", update);
  });
});
