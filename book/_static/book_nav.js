// The menu (☰) and page-contents buttons the reader sees work. The theme (pydata-sphinx-theme and
// sphinx-book-theme) binds its handlers to the first button of each kind in the page, a hidden
// copy in the top header; the visible ones, in the article's header, get none. A click on a
// visible one is handed to that bound copy, which opens or collapses the chapter list (on a
// wide screen) or opens it as a drawer (on a phone).
document.addEventListener("DOMContentLoaded", () => {
  for (const kind of ["primary", "secondary"]) {
    const bound = document.querySelector(`.${kind}-toggle`);
    for (const button of document.querySelectorAll(`.${kind}-toggle`)) {
      if (bound && button !== bound) {
        button.addEventListener("click", (event) => {
          event.preventDefault();
          bound.click();
        });
      }
    }
  }
});
