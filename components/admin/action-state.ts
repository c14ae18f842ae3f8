/** What a server action in the admin area answers: shown beside the form that ran it. */
export interface ActionState {
  ok: boolean;
  message: string;
}
