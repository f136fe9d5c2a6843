// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Confirm destructive actions marked with data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  // A print button (the council report): the browser's print dialog, which also saves a PDF.
  document.querySelectorAll("button[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

  // A table's wrapper is a tab stop so keyboard users can scroll it sideways; a table that
  // fits needs no such stop (the board has six tables). Without JavaScript every one keeps it.
  const wraps = document.querySelectorAll(".table-wrap[tabindex]");
  const tabStopsWhereScrolling = () => {
    wraps.forEach((wrap) => {
      if (wrap.scrollWidth > wrap.clientWidth) wrap.setAttribute("tabindex", "0");
      else wrap.removeAttribute("tabindex");
    });
  };
  tabStopsWhereScrolling();
  window.addEventListener("resize", tabStopsWhereScrolling);
});
