// The book's one script, an enhancement only (every fold is a plain <details>; the EPUB runs no script):
// the left and right arrow keys turn the page (to Sphinx's rel="prev" and rel="next" pages), and a link to
// an anchor inside a closed fold (an API block, what varied between runs) opens that fold.
(function () {
  "use strict";
  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (typing(event.target)) return;
    var rel = event.key === "ArrowLeft" ? "prev" : event.key === "ArrowRight" ? "next" : null;
    if (!rel) return;
    // Only when the page is not scrolled sideways by that key (a wide table or listing has the focus).
    var focused = document.activeElement;
    if (focused && focused !== document.body && focused.scrollWidth > focused.clientWidth) return;
    var link = document.querySelector('link[rel="' + rel + '"]');
    if (link && link.href) {
      event.preventDefault();
      window.location.href = link.href;
    }
  });
  function openTarget() {
    if (!window.location.hash) return;
    var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    var opened = false;
    for (var node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) node.open = opened = true;
    }
    if (opened) target.scrollIntoView();
  }
  window.addEventListener("hashchange", openTarget);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", openTarget);
  else openTarget();
})();
