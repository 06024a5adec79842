import type { Dict } from "./strings";

// Field mode: the offline queue (issue 16) — whose changes wait, and a conflict with what changed on the server.
export const QUEUE: Dict = {
  "queue.otherAccount": ["{{count}} thay đổi trên máy này đang chờ tài khoản {{names}} đăng nhập lại; chúng không được gửi dưới tên bạn.", "{{count}} change(s) on this device wait for the account {{names}} to sign in again; they are not sent under your name."],
  "queue.onServer": ["Đã thay đổi trên máy chủ:", "Changed on the server:"],
  "queue.version": ["phiên bản {{version}}", "version {{version}}"],
  "queue.criterion": ["Tiêu chí {{code}}", "Criterion {{code}}"],
  "queue.summaryChanged": ["Nhận xét chung đã được sửa.", "The summary was changed."],
  "queue.yours": ["Giá trị của bạn (chưa gửi):", "Your values (not sent):"],
  "queue.yourSummary": ["Nhận xét chung: “{{summary}}”", "Summary: “{{summary}}”"],
  "queue.nothingOfYours": ["Bạn không sửa gì khác bản gốc.", "You changed nothing from the original."],
  "queue.bothChanged": ["cả hai cùng sửa", "changed by both"],
  "queue.others": ["Các tiêu chí chỉ bạn sửa: {{codes}}", "Criteria only you changed: {{codes}}"],
  "queue.none": ["(chưa chấm)", "(not scored)"],
  "queue.reapply": ["Áp lại giá trị của tôi lên bản hiện tại", "Re-apply my values on the current version"],
  "queue.dropMine": ["Bỏ thay đổi của tôi", "Drop my changes"],
  "photo.declared": ["Thiết bị khai: chụp lúc {{time}}", "Device-declared: taken at {{time}}"],
  "photo.declaredWhere": ["Thiết bị khai: vị trí {{lat}}, {{lon}} (±{{acc}} m)", "Device-declared: position {{lat}}, {{lon}} (±{{acc}} m)"],
  "photo.received": ["Máy chủ nhận lúc {{time}}", "Received by the server at {{time}}"],
  "photo.beforeCheck": ["Giờ trên thiết bị sớm hơn lúc bắt đầu kiểm tra", "The device's time is before the check started"],
};
