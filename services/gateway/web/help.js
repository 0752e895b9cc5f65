// The Help menu's one-script-tag embed. A classic script (not a module) on purpose: only
// a classic script can read its own tag's data-* attributes (document.currentScript), and
// a host may paste the tag without type="module". It loads the stylesheet and the menu's
// ES modules from where it was itself served.
//
//   <script src="https://helpdesk.example.com/static/help.js"
//           data-token="JWT from the host" data-lang="pl"></script>
//
// Optional: data-api (the gateway, default: this script's origin), data-mount (a CSS
// selector of the element to hold the Help button, default: a fixed top-right button).
// window.HelpDesk.ready resolves to the controller: start({token}), setToken(token),
// open(section), close(), stop().
(function () {
  "use strict";
  var script = document.currentScript;
  var base = new URL(".", script.src).href;
  var options = {
    api: script.dataset.api || new URL(script.src).origin,
    token: script.dataset.token || "",
    lang: script.dataset.lang || "",
    mount: script.dataset.mount || "",
  };
  if (!document.querySelector('link[data-helpdesk-css]')) {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = base + "help.css";
    link.setAttribute("data-helpdesk-css", "");
    document.head.appendChild(link);
  }
  var ready = import(base + "help/app.js").then(function (module) {
    var controller = module.createHelpDesk(options);
    if (options.token) controller.start({ token: options.token });
    return controller;
  });
  window.HelpDesk = { ready: ready };
})();
