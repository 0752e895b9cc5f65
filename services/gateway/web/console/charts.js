// Charts for the console's reports, drawn by Chart.js (vendor/README.md): a well-kept
// library rather than hand-drawn canvas code. Its one UMD file is loaded the first time a
// chart is drawn, so the console's other tabs never pay for it.
const CHART_JS = new URL("../vendor/chart.umd.min.js", import.meta.url);
let loading = null;

function chartLibrary() {
  loading ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = CHART_JS.href;
    script.onload = () => resolve(window.Chart);
    script.onerror = () => {
      loading = null;
      reject(new Error("Chart.js could not be loaded"));
    };
    document.head.append(script);
  });
  return loading;
}

/**
 * A bar chart on `canvas`: `labels` along the bottom, one bar per series ({label, data,
 * color}) and label. The canvas is an image to screen readers; its figures are in the
 * table the caller puts next to it.
 */
export async function barChart(canvas, labels, series) {
  const Chart = await chartLibrary();
  return new Chart(canvas, {
    type: "bar",
    data: {
      labels,
      datasets: series.map(({ label, data, color }) => ({ label, data, backgroundColor: color })),
    },
    options: {
      // Figures on screen at once: no animation to wait for, nothing moving for those who
      // asked their system for less motion.
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
}
