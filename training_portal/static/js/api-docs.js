// The API documentation page: Swagger UI reads the OpenAPI document named by the page.
(function () {
  var root = document.getElementById("swagger-ui");
  if (!root || !window.SwaggerUIBundle) return;
  window.SwaggerUIBundle({ url: root.dataset.spec, domNode: root, deepLinking: false });
})();
