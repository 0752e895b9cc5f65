// The demo host page's own part: in demo mode, sign in as a demo user and hand the token
// to the embedded Help menu, as a real host application would after its own login.
const STORAGE_KEY = "helpdesk.demo-user";
const picker = document.getElementById("demo-picker");
const select = document.getElementById("demo-user");
const chip = document.getElementById("user-chip");
const notice = document.getElementById("host-notice");

async function demoUsers() {
  const response = await fetch("/api/v1/demo/users");
  // Outside demo mode there are no demo users: the page only shows how to embed.
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(response.statusText);
  return (await response.json()).filter((user) => user.role === "user");
}

let signInCount = 0;

async function signIn(user) {
  // Only the latest choice counts when the picker changes while a sign-in is under way.
  const attempt = ++signInCount;
  const response = await fetch("/api/v1/demo/token", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      user_id: user.user_id,
      name: user.name,
      account_id: user.account_id,
      role: user.role,
      email: user.email,
    }),
  });
  const { token } = await response.json();
  if (attempt !== signInCount) return;
  sessionStorage.setItem(STORAGE_KEY, user.user_id);
  document.getElementById("hotel-name").textContent = user.account_name;
  chip.textContent = user.name;
  chip.hidden = false;
  const helpDesk = await window.HelpDesk.ready;
  await helpDesk.start({ token });
}

function fillPicker(users, chosen) {
  const accounts = new Map();
  for (const user of users) {
    if (!accounts.has(user.account_name)) accounts.set(user.account_name, []);
    accounts.get(user.account_name).push(user);
  }
  for (const [account, members] of accounts) {
    const group = document.createElement("optgroup");
    group.label = account;
    for (const user of members) {
      const option = new Option(user.name, user.user_id, false, user.user_id === chosen.user_id);
      group.append(option);
    }
    select.append(group);
  }
  select.addEventListener("change", () => signIn(users.find((user) => user.user_id === select.value)));
  picker.hidden = false;
}

async function main() {
  const users = await demoUsers();
  if (!users) {
    notice.textContent =
      "Ta strona pokazuje menu Pomoc w trybie demo. Poza nim osadź menu w swojej aplikacji " +
      "jednym znacznikiem <script> z tokenem z Twojego logowania (README: Embedding the Help menu).";
    notice.hidden = false;
    return;
  }
  const wanted = new URLSearchParams(window.location.search).get("as") || sessionStorage.getItem(STORAGE_KEY);
  const chosen = users.find((user) => user.user_id === wanted) || users[0];
  fillPicker(users, chosen);
  await signIn(chosen);
}

main().catch((error) => {
  notice.textContent = `Nie udało się uruchomić strony demo: ${error.message}`;
  notice.hidden = false;
});
