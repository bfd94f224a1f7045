// Runs axe-core on the whole document with the rule tags given as the
// first argument and returns the violations in a compact form.
// Used as: (SOURCE)(["wcag2a", ...])
(async (tags) => {
  if (typeof axe === "undefined") {
    throw new Error("axe-core is not loaded in this page");
  }
  const res = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  return res.violations.map((v) => ({
    id: v.id,
    impact: v.impact || "",
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({
      target: n.target.map(String),
      html: n.html.slice(0, 200),
      summary: n.failureSummary || "",
    })),
  }));
})
